// Which local image stands in for a base image this machine cannot pull. The offline stand-ins
// (../shared/offline-images) cover node 22/24/26 (+ -slim), golang 1.26/1.27, the distroless and
// Chainguard finals and nginx; anything else a Dockerfile names is mapped to the closest of them,
// and the mapping is recorded in the row so a reader knows what was really built.

export interface StandIn {
  image: string;
  /** Why this is not the same image: shown in the report. */
  note?: string;
}

const NODE_MAJORS = [22, 24, 26];
const FLOATING_NODE = /^(latest|current|lts|slim|alpine|bookworm|bullseye|buster|trixie|[a-z]+)$/;

function closestNodeMajor(major: number): number {
  return NODE_MAJORS.find((m) => m >= major) ?? NODE_MAJORS[NODE_MAJORS.length - 1];
}

/** Strips docker.io/library/ and a digest: the name the stand-ins are tagged with. */
export function normalizeImage(ref: string): string {
  return ref
    .replace(/@sha256:[0-9a-f]{64}$/, '')
    .replace(/^(docker\.io\/|index\.docker\.io\/)(library\/)?/, '')
    .replace(/^library\//, '');
}

/**
 * The stand-in for an image reference, or null when none fits (ubuntu, python, ...). `available`
 * holds the images present here (`repo:tag`). An image that is itself available maps to itself.
 */
export function standInFor(ref: string, available: ReadonlySet<string>): StandIn | null {
  const name = normalizeImage(ref);
  const withTag = name.includes(':') ? name : `${name}:latest`;
  if (available.has(withTag)) return { image: withTag };
  const [repo, tag = 'latest'] = withTag.split(':');
  const pick = (image: string, note?: string): StandIn | null =>
    available.has(image) ? { image, ...(note ? { note } : {}) } : null;
  if (repo === 'node') {
    const m = /^(\d+)(?:\.\d+)*(?:-(.*))?$/.exec(tag);
    const variant = m ? (m[2] ?? '') : tag;
    const major = m ? closestNodeMajor(Number(m[1])) : tag === 'lts' ? 24 : 26;
    const alpine = /alpine/.test(variant);
    const slim = alpine || /slim/.test(variant);
    const notes = [
      ...(m && Number(m[1]) !== major ? [`Node ${m[1]} -> ${major}`] : []),
      ...(!m && !FLOATING_NODE.test(tag) ? [`tag ${tag}`] : []),
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
