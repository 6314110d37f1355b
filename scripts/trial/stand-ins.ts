// Which local image stands in for a base image this machine cannot pull. The offline stand-ins
// (../shared/offline-images) cover node 22/24/26 (+ -slim), golang 1.26/1.27, the distroless and
// Chainguard finals and nginx; anything else a Dockerfile names is mapped to the closest of them,
// and the mapping is recorded in the row so a reader knows what was really built.
import { missingTag } from '../../src/common/base-image';
import { parseImageRef } from '../../src/dockerfile/image-ref';
import { IMAGE_FACTS } from '../../src/templates';

export interface StandIn {
  image: string;
  /** Why this is not the same image: shown in the report. */
  note?: string;
}

const NODE_MAJORS = [22, 24, 26];
const NODE_TAGS = IMAGE_FACTS.tags.node;

function closestNodeMajor(major: number): number {
  return NODE_MAJORS.find((m) => m >= major) ?? NODE_MAJORS[NODE_MAJORS.length - 1];
}

const hasKey = <T extends object>(o: T, key: string | undefined): key is Extract<keyof T, string> =>
  key !== undefined && Object.prototype.hasOwnProperty.call(o, key);

/**
 * The Node major a node tag means, the same for a tag and each of its variants: the version it
 * names (`20.11-slim` is 20), a codename's major (`iron`, `lts-jod`), or what a floating word
 * points to today (`lts`, `lts-slim` and `lts-alpine` are all `tags.node.floating.lts.now`; a bare
 * variant such as `slim` or `bookworm` is `latest`), from templates/facts/images.json.
 */
export function nodeMajorOfTag(tag: string): number {
  const [first, second] = tag.split('-');
  const version = /^(\d+)(\.\d+)*$/.exec(first);
  if (version) return Number(version[1]);
  if (first === 'lts' && hasKey(NODE_TAGS.codenames, second)) return NODE_TAGS.codenames[second];
  if (hasKey(NODE_TAGS.floating, first)) return NODE_TAGS.floating[first].now;
  if (hasKey(NODE_TAGS.codenames, first)) return NODE_TAGS.codenames[first];
  return NODE_TAGS.floating.latest.now;
}

/** Strips docker.io/library/ and a digest: the name the stand-ins are tagged with. */
export function normalizeImage(ref: string): string {
  return ref
    .replace(/@sha256:[0-9a-f]{64}$/, '')
    .replace(/^(docker\.io\/|index\.docker\.io\/)(library\/)?/, '')
    .replace(/^library\//, '');
}

/**
 * Why an official node or golang tag has never existed (`node:lastest`, `golang:1.30`), or null:
 * src/common/base-image.ts's `missingTag`, over the tag grammar in templates/facts/images.json.
 */
export function tagDoesNotExist(ref: string): string | null {
  const parsed = parseImageRef(ref);
  return parsed ? missingTag(parsed) : null;
}

/**
 * The stand-in for an image reference, or null when none fits (ubuntu, python, ...) or the tag
 * has never existed (`node:lastest`: a build of it fails at the pull, stand-in or not). `available`
 * holds the images present here (`repo:tag`). An image that is itself available maps to itself.
 */
export function standInFor(ref: string, available: ReadonlySet<string>): StandIn | null {
  if (tagDoesNotExist(ref) !== null) return null;
  const name = normalizeImage(ref);
  const withTag = name.includes(':') ? name : `${name}:latest`;
  if (available.has(withTag)) return { image: withTag };
  const [repo, tag = 'latest'] = withTag.split(':');
  const pick = (image: string, note?: string): StandIn | null =>
    available.has(image) ? { image, ...(note ? { note } : {}) } : null;
  if (repo === 'node') {
    const wanted = nodeMajorOfTag(tag);
    const major = closestNodeMajor(wanted);
    const alpine = /alpine/.test(tag);
    const slim = alpine || /slim/.test(tag);
    const notes = [
      ...(wanted !== major ? [`Node ${wanted} -> ${major}`] : []),
      ...(alpine ? ['Debian for Alpine'] : []),
    ];
    return pick(`node:${major}${slim ? '-slim' : ''}`, notes.join(', ') || undefined);
  }
  if (repo === 'golang') {
    const m = /^(\d+)\.(\d+)/.exec(tag);
    const minor = m ? Number(m[2]) : 27;
    const image = m && Number(m[1]) === 1 && minor <= 26 ? 'golang:1.26' : 'golang:1.27';
    const notes = [
      ...(m && `${m[1]}.${m[2]}` !== image.slice(7)
        ? [`Go ${m[1]}.${m[2]} -> ${image.slice(7)}`]
        : []),
      ...(/alpine/.test(tag) ? ['Debian for Alpine'] : []),
    ];
    return pick(image, notes.join(', ') || undefined);
  }
  const distroless = /^gcr\.io\/distroless\/(nodejs(\d+)|static|base|cc)(-debian\d+)?$/.exec(repo);
  if (distroless) {
    const kind = distroless[2] ? `nodejs${closestNodeMajor(Number(distroless[2]))}` : distroless[1];
    return pick(`gcr.io/distroless/${kind}-debian13:${tag}`, 'Debian 13 stand-in');
  }
  if (repo === 'nginx') return pick('nginx:alpine', `nginx:${tag} -> nginx:alpine`);
  if (repo === 'nginxinc/nginx-unprivileged') return pick('nginxinc/nginx-unprivileged:alpine');
  return null;
}

/** The images a Dockerfile's FROM lines name, with ARG defaults before FROM expanded. */
export function fromImages(dockerfile: string): string[] {
  const args: Record<string, string> = {};
  const images: string[] = [];
  const stages = new Set<string>();
  const text = dockerfile.replace(/\\\r?\n/g, ' ');
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=("?)([^"\s]*)\2/i.exec(line);
    if (arg && images.length === 0) args[arg[1]] = arg[3];
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    const image = from[1].replace(
      /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?/g,
      (_m, name: string, fallback?: string) => args[name] ?? fallback ?? '',
    );
    if (!stages.has(image.toLowerCase()) && image !== 'scratch') images.push(image);
    if (from[2]) stages.add(from[2].toLowerCase());
  }
  return [...new Set(images)];
}

/** Drops a `# syntax=` parser directive: the frontend image it names cannot be pulled here. */
export function withoutSyntaxDirective(dockerfile: string): { text: string; removed: boolean } {
  const m = /^(\uFEFF?)((?:#[ \t]*[a-z]+[ \t]*=.*\r?\n)*?)#[ \t]*syntax[ \t]*=.*(\r?\n|$)/i.exec(
    dockerfile,
  );
  if (!m) return { text: dockerfile, removed: false };
  return { text: m[1] + m[2] + dockerfile.slice(m[0].length), removed: true };
}
