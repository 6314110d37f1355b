import { parseGitIgnore } from '../build-context/gitignore';
import posix from 'path/posix';
import { expandVariables, ImageRef, officialOrMirrored } from '../dockerfile/image-ref';
import { execFormOf } from '../dockerfile/parse';
import { roughWords, splitCommandList } from '../dockerfile/shell-words';
import type { BuildContext, Note, RuleId } from '../types';
import { effectiveCommand } from '../dockerfile/command';
import { parseDockerIgnore } from '../build-context/dockerignore';
import { StageFacts } from '../dockerfile/stage';
import { IMAGE_FACTS } from '../templates';
import { allFrom, missingTag, releasesOf } from './base-image';
import { osPackageInstalls } from './os-packages';

/** A reason the original Dockerfile cannot build or start as it is, known for certain. */
export interface BuildProblem {
  rule: RuleId;
  reason: string;
  /** 1-based line of the instruction at fault. */
  line: number;
  suggestion: string;
  /** It fails when the container starts, after every build step: reported after any build failure. */
  atStart?: boolean;
}

/** The failure the user meets first: the earliest build step that fails, else the start. */
export function firstProblem(problems: BuildProblem[]): BuildProblem | null {
  const sorted = [...problems].sort(
    (a, b) => Number(a.atStart ?? false) - Number(b.atStart ?? false) || a.line - b.line,
  );
  return sorted[0] ?? null;
}

export interface Buildability {
  problems: BuildProblem[];
  /** Sources missing from the context that .gitignore lists: built on the host before docker build. */
  hostBuilt: Note[];
}

export type OsFamily = 'debian' | 'alpine';

const DEBIAN_IMAGES = new Set(['debian', 'ubuntu', 'buildpack-deps']);

/** The distribution an image is built on, when its name and tag say so for certain. */
export function osFamilyOf(ref: ImageRef): OsFamily | null {
  // Pinned by digest alone: the variant (alpine or Debian) is not in the reference.
  if (ref.tag === null && ref.digest !== null) return null;
  const name = officialOrMirrored(ref);
  const tag = ref.tag ?? 'latest';
  if (name === 'alpine') return 'alpine';
  if (name !== null && DEBIAN_IMAGES.has(name)) return 'debian';
  if (name !== 'node' && name !== 'golang') return null;
  if (/alpine/.test(tag)) return 'alpine';
  if (/windows|nanoserver/.test(tag)) return null;
  return 'debian';
}

export function lineOf(ins: { getRange(): { start: { line: number } } }): number {
  return ins.getRange().start.line + 1;
}

/**
 * What makes the original fail for certain, from the Dockerfile and the listing of its context
 * alone: COPY sources that are not there, the other distribution's package manager, and exec-form
 * commands whose one element holds a whole command line.
 */
export function checkBuildability(facts: StageFacts, context: BuildContext): Buildability {
  const problems: BuildProblem[] = [];
  const hostBuilt: Note[] = [];
  const action = githubAction(context);
  if (action) problems.push(action);
  checkBaseImage(facts, problems);
  checkCopySources(facts, context, problems, hostBuilt);
  checkPackageManagers(facts, problems);
  checkOsPackageSources(facts, problems);
  checkExecForm(facts, context, problems);
  return { problems, hostBuilt };
}

function checkCopySources(
  facts: StageFacts,
  context: BuildContext,
  problems: BuildProblem[],
  hostBuilt: Note[],
): void {
  if (context.paths.length === 0 || context.truncated) return;
  const listed = new Set(context.paths);
  // A Dockerfile-specific ignore file (Dockerfile.dockerignore) replaces .dockerignore; which
  // one BuildKit reads depends on the Dockerfile's name, so neither is trusted then.
  const specificIgnore = context.paths.some(
    (p) => !p.includes('/') && p.endsWith('.dockerignore') && p !== '.dockerignore',
  );
  const dockerignore =
    !specificIgnore && context.files['.dockerignore'] !== undefined
      ? parseDockerIgnore(context.files['.dockerignore'])
      : null;
  const gitignore =
    context.files['.gitignore'] !== undefined ? parseGitIgnore(context.files['.gitignore']) : null;
  const opaque = context.opaque ?? [];
  const vars = { ...facts.globalArgs, ...facts.envValues };
  for (const copy of facts.copies) {
    if (copy.fromStage !== null || copy.isHeredoc) continue;
    for (const raw of copy.sources) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('git@')) continue;
      const expanded = raw.includes('$') ? expandVariables(raw, vars) : raw;
      if (expanded === null || /[*?[\\]/.test(expanded)) continue;
      // BuildKit resolves sources inside the context: a leading / or ../ stays at its root.
      const rel = posix
        .normalize('/' + expanded)
        .slice(1)
        .replace(/\/$/, '');
      if (rel === '' || opaque.some((o) => rel === o.replace(/\/$/, '') || rel.startsWith(o)))
        continue;
      const exists = listed.has(rel) || listed.has(rel + '/');
      const line = lineOf(copy.ins);
      if (!exists) {
        if (gitignore?.ignores(rel) || gitignore?.ignores(rel + '/')) {
          hostBuilt.push({
            rule: 'common/host-built-source',
            reason: `${raw} is not in the repository (.gitignore lists it): it is made on the host before docker build (built, or created from an example), and the rewrite copies it the same way`,
          });
          continue;
        }
        problems.push({
          rule: 'common/copy-source-missing',
          reason: `${copy.keyword} ${raw}: there is no ${rel} in the build context, so docker build fails ("${rel}": not found)`,
          line,
          suggestion: `add ${rel} to the repository or remove it from the ${copy.keyword}`,
        });
        continue;
      }
      if (dockerignore?.isExcluded(rel)) {
        const isDir = listed.has(rel + '/');
        if (isDir && dockerignore.mayReinclude(rel)) continue;
        problems.push({
          rule: 'common/copy-source-missing',
          reason: `${copy.keyword} ${raw}: .dockerignore excludes ${rel}, so it is not in the build context and docker build fails`,
          line,
          suggestion: `remove ${rel} from .dockerignore or from the ${copy.keyword}`,
        });
      }
    }
  }
}

/**
 * A Docker container action: action.yml runs this Dockerfile (`runs.using: docker`). GitHub runs
 * it as root with the runner's workspace mounted in; a non-root USER cannot write there.
 */
function githubAction(context: BuildContext): BuildProblem | null {
  const name = ['action.yml', 'action.yaml'].find((n) => context.files[n] !== undefined);
  if (!name) return null;
  let runs: { using?: unknown; image?: unknown } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const doc = (require('yaml') as typeof import('yaml')).parse(context.files[name]) as {
      runs?: { using?: unknown; image?: unknown };
    } | null;
    runs = doc?.runs;
  } catch {
    return null;
  }
  if (
    runs?.using !== 'docker' ||
    typeof runs.image !== 'string' ||
    runs.image.startsWith('docker://')
  )
    return null;
  const image = posix.normalize(runs.image.replace(/^\.\//, ''));
  if (context.dockerfile !== undefined && image !== context.dockerfile) return null;
  return {
    rule: 'common/github-action',
    reason: `${name} runs this Dockerfile as a Docker container action: GitHub runs it as root, with the runner's workspace (owned by the runner's user) mounted at /github/workspace and GITHUB_OUTPUT in a root-owned folder, so a non-root USER could not write its results`,
    line: 1,
    suggestion:
      'keep the action image as it is (it must run as root), or slim it by hand keeping USER root',
  };
}

/** A FROM whose tag the official image has never had: the pull fails ("manifest unknown"). */
function checkBaseImage(facts: StageFacts, problems: BuildProblem[]): void {
  if (!facts.baseImage || facts.baseImageText.includes('$')) return;
  const why = missingTag(facts.baseImage);
  if (why === null) return;
  problems.push({
    rule: 'common/tag-does-not-exist',
    reason: `FROM ${facts.baseImage.raw}: ${why}, so docker build stops at the pull ("manifest unknown")`,
    line: lineOf(facts.stage.from),
    suggestion: `use a tag the image has (for example ${facts.baseImage.repository}:${facts.baseImage.repository === 'golang' ? `1.${IMAGE_FACTS.tags.golang.newestMinor}` : 'lts'})`,
  });
}

// Edits of apt's sources (archive.debian.org) or a guard make the outcome something this cannot see.
const APT_SOURCES = /archive\.debian\.org|sources\.list|\/etc\/apt\/|snapshot\.debian\.org/;
const APT_NEEDS_LISTS =
  /^\s*(?:sudo\s+)?(?:\w+=\S*\s+)*(apt-get|apt|aptitude)\s+(?:-\S+\s+)*(update|install)\b/;

/**
 * OS package steps the image's distribution release can no longer serve: `apt-get update` on a
 * Debian release whose mirrors are gone (buster, stretch), and packages the release no longer
 * has (Alpine's python from 3.12, python2 from 3.16; Debian's python from bullseye).
 */
function checkOsPackageSources(facts: StageFacts, problems: BuildProblem[]): void {
  if (!facts.baseImage || facts.baseImageText.includes('$')) return;
  const releases = releasesOf(facts.baseImage);
  if (releases === null) return;
  for (const run of facts.runs) {
    if (APT_SOURCES.test(run.text)) return;
    if (CONDITIONAL.test(run.text)) continue;
    const line = lineOf(run.ins);
    if ('debian' in releases) {
      const gone = releases.debian.map((s) => ({ suite: s, gone: DEBIAN_GONE[s] }));
      if (gone.every((g) => g.gone) && run.commands.some((c) => APT_NEEDS_LISTS.test(c))) {
        const suites = [...new Set(gone.map((g) => g.suite))];
        problems.push({
          rule: 'common/distro-mirror-gone',
          reason: `${facts.baseImage.raw} is built on Debian ${suites.join(' or ')}, whose packages left deb.debian.org (${gone.map((g) => `${g.suite} since ${g.gone!.since}`).join(', ')}), so apt-get stops with "does not have a Release file" and the RUN fails`,
          line,
          suggestion: `move to a tag on a supported Debian (bookworm or trixie), or point apt at archive.debian.org before apt-get update`,
        });
        return;
      }
    }
    for (const install of osPackageInstalls(run)) {
      const family = 'debian' in releases ? 'debian' : 'alpine';
      if ((family === 'debian') !== (install.tool === 'apt')) continue;
      for (const p of install.packages) {
        const fact = IMAGE_FACTS.packagesGone[family].find((g) => g.package === p);
        if (!fact) continue;
        const affected =
          'debian' in releases
            ? releases.debian.every((s) => debianAtOrAfter(s, fact.from))
            : allFrom(releases.alpine, fact.from);
        if (!affected) continue;
        const on =
          'debian' in releases
            ? releases.debian.join(' or ')
            : `Alpine ${releases.alpine.join(' or ')}`;
        problems.push({
          rule: 'common/os-package-gone',
          reason: `${install.tool === 'apk' ? 'apk add' : 'apt-get install'} ${p} on ${facts.baseImage.raw} (${on}): ${fact.why}, so the RUN fails`,
          line,
          suggestion: `install ${fact.instead} instead`,
        });
        return;
      }
    }
  }
}

const DEBIAN_GONE = IMAGE_FACTS.debianMirrorsGone as Record<string, { since: string } | undefined>;

function debianAtOrAfter(suite: string, from: string): boolean {
  const order = IMAGE_FACTS.debianOrder;
  return order.indexOf(suite) >= order.indexOf(from) && order.indexOf(from) >= 0;
}

const APT = new Set(['apt-get', 'apt', 'aptitude', 'dpkg']);
const CONDITIONAL = /\|\||\bif\b|\bcommand\s+-v\b|\bwhich\b|\bcase\b|\btype\s/;

function checkPackageManagers(facts: StageFacts, problems: BuildProblem[]): void {
  const family = facts.baseImage ? osFamilyOf(facts.baseImage) : null;
  if (family === null) return;
  for (const run of facts.runs) {
    // A command guarded by ||, if or command -v may be skipped on this distribution.
    if (CONDITIONAL.test(run.text)) continue;
    for (const cmd of splitCommandList(run.text)) {
      const words = roughWords(cmd).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
      const tool = words[0] === 'sudo' ? words[1] : words[0];
      const wrong =
        (family === 'alpine' && tool !== undefined && APT.has(tool)) ||
        (family === 'debian' && tool === 'apk');
      if (!wrong) continue;
      const line = lineOf(run.ins);
      const distro = family === 'alpine' ? 'Alpine' : 'Debian';
      problems.push({
        rule: 'common/package-manager-distro',
        reason: `${tool} runs on ${facts.baseImage!.raw}, which is ${distro}-based and has no ${tool} (${family === 'alpine' ? 'it uses apk' : 'it uses apt-get'}), so the RUN fails`,
        line,
        suggestion:
          family === 'alpine'
            ? `use apk add on the alpine image, or a Debian tag of ${facts.baseImage!.repository}`
            : `use apt-get install on this image, or an -alpine tag`,
      });
      break;
    }
  }
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const NODE_CODE_FLAGS = new Set(['-e', '--eval', '-p', '--print']);

/** Exec-form words whose one element holds what was meant as several arguments. */
function checkExecForm(facts: StageFacts, context: BuildContext, problems: BuildProblem[]): void {
  const command = effectiveCommand(facts);
  if (!Array.isArray(command) || command.length === 0) return;
  const ins = facts.cmd ?? facts.entrypoint;
  if (!ins || execFormOf(facts.doc, ins) === null) return;
  const line = lineOf(ins);
  const fail = (what: string, consequence: string) =>
    problems.push({
      atStart: true,
      rule: 'common/exec-form-one-string',
      reason: `exec form passes ${JSON.stringify(what)} as one argument, so ${consequence}`,
      line,
      suggestion: `split it into one array element per word: ${JSON.stringify(command.flatMap((w) => (w === what ? w.trim().split(/\s+/) : [w])))}`,
    });
  const [program, ...args] = command;
  // A script whose file name has spaces is fine when such a file is in the context.
  const exists = (p: string) => context.paths.some((q) => q === p || q.endsWith('/' + p));
  if (/\s/.test(program.trim())) {
    fail(program, `Docker looks for a program of that name and the container cannot start`);
    return;
  }
  const name = posix.basename(program);
  if (SHELLS.has(name)) return;
  if (name === 'node' || name === 'nodejs') {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (NODE_CODE_FLAGS.has(a)) return;
      if (!/\s/.test(a.trim())) {
        if (!a.startsWith('-')) return;
        continue;
      }
      if (a.startsWith('-')) fail(a, `node stops with "bad option" and the container exits`);
      else if (!exists(a)) fail(a, `node looks for a script of that name and exits`);
      return;
    }
    return;
  }
  if (name === 'npm' || name === 'yarn' || name === 'pnpm') {
    const script = args[0] === 'run' || args[0] === 'run-script' ? args[1] : args[0];
    if (script !== undefined && /\s/.test(script.trim()))
      fail(script, `${name} finds no script of that name and the container exits`);
  }
}
