import posix from 'path/posix';
import { contextHas, imagePathOf } from '../dockerfile/copies';
import { parseDockerIgnore } from '../build-context/dockerignore';
import type { GoFacts } from './analyze';
import { commandCwds } from '../dockerfile/stage';
import { isWithin, patternToRegExp } from '../build-context/path-pattern';
import { FILE_FACTS } from '../templates';
import type { BuildContext, Note, RuntimeFolder } from '../types';
import { hostProvidedPatterns, secretsWarning } from '../build-context/host-files';

/**
 * Safe first, minimal second: a Go app's final stage gets the folders it ran in (the WORKDIR and
 * the folders the original COPYs into) as the builder had them, minus what is provably
 * build-only. The folders are assembled in the builder, which has a shell, after the last build
 * step: a file that is absent when the tool runs and present when the user builds (a gitignored
 * .env) travels with them, and its absence breaks nothing.
 */

const FACTS = FILE_FACTS.goRuntimeFolder;
/** Where the builder assembles the folders, each under its own image path. */
export const STAGING = '/dockerize-slim';
const SYSTEM = new Set(FACTS.systemFolders);
const nameMatcher = (patterns: readonly string[]) => {
  const res = patterns.map((p) => patternToRegExp(p));
  return (name: string) => res.some((re) => re.test(name));
};
const isBuildInput = nameMatcher(FACTS.buildInputs);
const isContainerFile = nameMatcher(FACTS.containerFiles);
const DIRECTORY_SERVERS = FACTS.directoryServers.map((s) => new RegExp(s));

export interface FolderPlan {
  /** The image folder, copied from `${STAGING}${path}`. */
  path: string;
  /** `./x` paths left out with everything under them. */
  prune: string[];
  /** `./x` files left out (the program itself, tooling files). */
  skip: string[];
  /** `.` or `./x`: folders owned by the runtime user (`.`: the whole folder, the default). */
  writable: string[];
  /** `.` or `./x`: the folders detection found the app writes (the rule line names them). */
  detectedWrites: string[];
  report: RuntimeFolder;
}

export interface RuntimeFolderPlan {
  folders: FolderPlan[];
  /** The Go source stays too: the app opens it at run time (the files its stack traces name). */
  keepSource: boolean;
  /** Files the original copied into system folders (/usr/local/bin/x): copied on their own. */
  files: string[];
  warnings: Note[];
}

export interface RuntimeFolderInput {
  workdir: string;
  /** The program the final stage runs (copied on its own, root-owned). */
  binary: string;
  /** Image folders the app writes, from detection. */
  writableDirs: string[];
  /**
   * The runtime user owns each folder whole, as the original's root could write anywhere in it
   * (the default); false (--minimal): read-only except the detected writes.
   */
  ownWhole: boolean;
  /** Context paths //go:embed puts inside the binary. */
  embedded: string[];
  /** Image paths detection found the program opens (files, or folders with all they hold). */
  detected: string[];
  context: BuildContext;
}

/** Why the default cannot be used for this stage (the rewrite keeps only detected files), or null. */
export function runtimeFolderBlocker(facts: GoFacts): string | null {
  const shell = facts.stage.shell;
  if (!shell) return null;
  const words = shell.getArguments().map((a) => a.getValue().replace(/[[\]",]/g, ''));
  return words.some((w) => /(^|\/)(ba|da|a|z)?sh$/.test(w))
    ? null
    : `SHELL ${words.join(' ')} is not a POSIX shell, which the assembly of the app's folder needs`;
}

export function planRuntimeFolders(facts: GoFacts, input: RuntimeFolderInput): RuntimeFolderPlan {
  const { stage } = facts;
  const keepSource = facts.sources.readsOwnSource;
  const paths = input.context.paths;
  const dirs = new Set(paths.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));
  const isContextDir = (p: string) => p === '' || p === '.' || dirs.has(p);
  const gopath = stage.envValues.GOPATH ?? '/go';
  const folders: string[] = [];
  const files: string[] = [];
  const warnings: Note[] = [];
  const addFolder = (f: string) => {
    // A path with a variable the tool could not expand is not a folder it can name.
    if (!SYSTEM.has(f) && f !== '/' && !f.includes('$')) folders.push(f);
  };
  const dockerignore =
    input.context.files['.dockerignore'] !== undefined
      ? parseDockerIgnore(input.context.files['.dockerignore'])
      : null;
  addFolder(input.workdir);
  for (const copy of stage.copies) {
    if (copy.fromStage !== null || copy.isHeredoc) continue;
    const destIsDir = copy.dest.endsWith('/');
    const dest = copy.dest.replace(/\/$/, '') || '/';
    for (const raw of copy.sources) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) continue;
      const src = posix
        .normalize('/' + raw)
        .slice(1)
        .replace(/\/$/, '');
      const wildcard = /[*?[$]/.test(src);
      if (dest === '/' && (src === '' || src === '.')) {
        // The context copied into / among the OS's files: each of its entries on its own.
        const clash: string[] = [];
        for (const p of paths) {
          const name = p.replace(/\/$/, '');
          if (name.includes('/') || dockerignore?.isExcluded(name)) continue;
          if (!p.endsWith('/')) files.push('/' + name);
          else if (SYSTEM.has('/' + name)) clash.push(p);
          else addFolder('/' + name);
        }
        if (clash.length > 0)
          warnings.push({
            rule: 'go/runtime-folder',
            reason: `the context is copied into /, and its ${clash.join(', ')} merge${clash.length === 1 ? 's' : ''} into the OS folder of that name: only what detection found there is kept; copy the app into a folder of its own (WORKDIR /app)`,
          });
      } else if (isContextDir(src) || (wildcard && destIsDir)) {
        if (!SYSTEM.has(dest)) addFolder(dest);
        else
          for (const p of paths)
            if (!p.endsWith('/') && (src === '' || src === '.' || p.startsWith(src + '/'))) {
              const target = imagePathOf(stage, paths, p);
              if (target !== null && isWithin(target, dest)) files.push(target);
            }
      } else if (!wildcard) {
        // A file copied on its own: it is there whenever the original builds, so it is copied as it is.
        files.push(destIsDir ? posix.join(dest, posix.basename(src)) : dest);
      }
    }
  }
  const sorted = [...new Set(folders)].sort();
  const topFolders = sorted.filter((f) => !sorted.some((g) => g !== f && isWithin(f, g)));
  const toolingFile = new Set(FACTS.toolingFiles);
  const looseFiles = [...new Set(files)]
    .filter((f) => !topFolders.some((g) => isWithin(f, g)) && f !== input.binary)
    .filter((f) => {
      const name = posix.basename(f);
      return !isBuildInput(name) && !isContainerFile(name) && !toolingFile.has(name);
    })
    .sort();

  const literals = facts.sources.packages.flatMap((p) => p.literals);
  const code = Object.entries(input.context.files)
    .filter(([p]) => p.endsWith('.go'))
    .map(([, t]) => t);
  const servesDirectory = code.some((t) => DIRECTORY_SERVERS.some((re) => re.test(t)));
  const named = (name: string) => {
    const re = new RegExp(`(^|/)${name.replace(/[.+^${}()|[\]\\]/g, '\\$&')}(/|$)`);
    return literals.some((l) => re.test(l.replace(/^\.\//, '')));
  };
  // Binaries the build makes are listed in .gitignore as build output, not as host files.
  const built = new Set(
    [input.binary, ...facts.builds.map((b) => b.binary)].map((b) => posix.basename(b)),
  );
  const hostProvided = hostProvidedPatterns(input.context.files['.gitignore']).filter(
    (p) => !built.has(p.replace(/^\/|\/$/g, '')),
  );
  // Commands run in a folder that may leave files there (not the Go tool's own, nor package installs).
  const runWritesIn = (folder: string) =>
    stage.runs.some((r) => {
      const cwds = commandCwds(r);
      return r.commands.some(
        (c, i) =>
          isWithin(cwds[i], folder) &&
          !/^\s*(?:\w+=\S*\s+)*(go(-wrapper)?\s+(build|mod|get|install|download|env|version|vet|test|clean)|apt-get|apt|apk|mkdir|chmod|chown|adduser|addgroup|useradd|groupadd|cd|echo|ls|rm|true|export|git\s+config)\b/.test(
            c,
          ),
      );
    });
  const sizes = input.context.sizes;
  const plans: FolderPlan[] = [];
  for (const folder of topFolders) {
    const rel = (image: string) => (image === folder ? '.' : './' + posix.relative(folder, image));
    const prune = new Set<string>();
    const skip = new Set<string>();
    const dropped: string[] = [];
    if (isWithin(input.binary, folder)) skip.add(rel(input.binary));
    if (folder === gopath) for (const c of FACTS.gopathRootCache) prune.add(`./${c}`);
    // vendor/ at the module root: the build's dependencies.
    const vendor = facts.modDir === '.' ? 'vendor' : `${facts.modDir}/vendor`;
    const vendorImage =
      contextHas(paths, vendor) === 'dir' ? imagePathOf(stage, paths, vendor) : null;
    if (vendorImage && isWithin(vendorImage, folder) && vendorImage !== folder) {
      prune.add(rel(vendorImage));
      dropped.push('vendor/ (the build’s dependencies)');
    }
    for (const e of input.embedded) {
      const image = imagePathOf(stage, paths, e);
      if (image === null || !isWithin(image, folder) || image === folder) continue;
      (contextHas(paths, e) === 'dir' ? prune : skip).add(rel(image));
      dropped.push(
        `${e}${contextHas(paths, e) === 'dir' ? '/' : ''} (//go:embed puts it in the binary)`,
      );
    }
    // Tooling and front-end sources, when no Go source names them and none serves a whole folder.
    if (!servesDirectory) {
      const tooling: string[] = [];
      for (const d of FACTS.toolingDirs) {
        const image = contextHas(paths, d) === 'dir' ? imagePathOf(stage, paths, d) : null;
        if (image && isWithin(image, folder) && image !== folder && !named(d)) {
          prune.add(rel(image));
          tooling.push(d + '/');
        }
      }
      for (const f of FACTS.toolingFiles) {
        const image = contextHas(paths, f) === 'file' ? imagePathOf(stage, paths, f) : null;
        if (image && isWithin(image, folder) && !named(f)) {
          skip.add(rel(image));
          tooling.push(f);
        }
      }
      if (tooling.length > 0)
        dropped.push(`${tooling.join(', ')} (repository tooling no Go source names)`);
      for (const fe of frontEnds(paths)) {
        const served = literals
          .map((l) => l.replace(/^\.\//, ''))
          .filter((l) => l.startsWith(fe + '/'))
          .map((l) => l.slice(fe.length + 1).split('/')[0])
          .filter((s) => s !== '' && contextHas(paths, `${fe}/${s}`) !== null);
        if (served.length === 0) continue;
        const sources = paths
          .map((p) => p.replace(/\/$/, ''))
          .filter((p) => {
            const child = p.slice(fe.length + 1);
            return p.startsWith(fe + '/') && child !== '' && !child.includes('/');
          })
          .filter((p) => !served.includes(p.slice(fe.length + 1)));
        const kept: string[] = [];
        for (const s of sources) {
          const image = imagePathOf(stage, paths, s);
          if (image && isWithin(image, folder)) {
            (contextHas(paths, s) === 'dir' ? prune : skip).add(rel(image));
            kept.push(posix.basename(s) + (contextHas(paths, s) === 'dir' ? '/' : ''));
          }
        }
        if (kept.length > 0)
          dropped.push(
            `${fe}/: ${kept.join(', ')} (front-end sources: the Go code serves only ${[...new Set(served)].map((s) => `${fe}/${s}`).join(', ')})`,
          );
      }
    }
    const detectedWrites = input.writableDirs.filter((w) => isWithin(w, folder)).map(rel);
    const writable = input.ownWhole
      ? ['.', ...detectedWrites.filter((w) => w !== '.')]
      : detectedWrites;
    // A folder copied whole brings files .gitignore lists whenever the user has them.
    const wholeCopy = stage.copies.some(
      (c) =>
        c.fromStage === null &&
        !c.isHeredoc &&
        c.sources.some((s) => {
          const src = posix
            .normalize('/' + s)
            .slice(1)
            .replace(/\/$/, '');
          const target = isContextDir(src)
            ? (imagePathOf(stage, paths, src === '' ? '.' : src) ?? c.dest.replace(/\/$/, ''))
            : null;
          return target !== null && (isWithin(target, folder) || isWithin(folder, target));
        }),
    );

    // What the context puts in this folder, after .dockerignore and the rules above.
    const excludedRel = (r: string) =>
      [...prune].some((p) => r === p || r.startsWith(p + '/')) || skip.has(r);
    let goFiles = 0;
    const inputs = new Set<string>();
    const containers = new Set<string>();
    const hidden = new Set<string>();
    const keptBytes = new Map<string, number | null>();
    const keptPaths: string[] = [];
    for (const p of paths) {
      if (p.endsWith('/') || dockerignore?.isExcluded(p)) continue;
      const image = imagePathOf(stage, paths, p);
      if (image === null || !isWithin(image, folder) || image === folder) continue;
      const r = rel(image);
      const parts = r.slice(2).split('/');
      const name = parts[parts.length - 1];
      if (parts.some((seg) => FACTS.buildOnlyDirNames.includes(seg))) {
        hidden.add(parts.find((seg) => FACTS.buildOnlyDirNames.includes(seg))! + '/');
        continue;
      }
      if (excludedRel(r)) continue;
      if (name.endsWith('.go') && !keepSource) {
        goFiles++;
        continue;
      }
      if (isBuildInput(name) && !(keepSource && name.endsWith('.go'))) {
        inputs.add(name);
        continue;
      }
      if (isContainerFile(name)) {
        containers.add(name);
        continue;
      }
      keptPaths.push(p);
      const top = parts.length > 1 ? parts[0] + '/' : parts[0];
      const size = input.context.links?.[p] !== undefined ? 0 : sizes?.[p];
      const before = keptBytes.has(top) ? keptBytes.get(top)! : 0;
      keptBytes.set(top, size === undefined || before === null ? null : before + size);
    }
    if (goFiles > 0 || inputs.size > 0)
      dropped.unshift(
        `${[...(goFiles > 0 ? [`${goFiles} .go file${goFiles === 1 ? '' : 's'}`] : []), ...[...inputs].sort()].join(', ')} (Go build inputs)`,
      );
    if (hidden.size > 0)
      dropped.push(`${[...hidden].sort().join(', ')} (git data and Go test data)`);
    if (containers.size > 0)
      dropped.push(`${[...containers].sort().join(', ')} (container build files)`);
    const estimate: string[] = [];
    if (hostProvided.length > 0 && wholeCopy)
      estimate.push(
        `.gitignore lists ${hostProvided.slice(0, 4).join(', ')}${hostProvided.length > 4 ? ', ...' : ''}: such files are kept too when they are there at build time`,
      );
    if (runWritesIn(folder)) estimate.push('RUN steps may add files that are kept too');
    if (sizes === undefined || input.context.truncated)
      estimate.push('the build context was not measured in full');
    const kept = [...keptBytes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, bytes]) => ({ name, bytes }));
    plans.push({
      path: folder,
      prune: [...prune].sort(),
      skip: [...skip].sort(),
      writable,
      detectedWrites,
      report: {
        path: folder,
        kept,
        dropped,
        files: keptPaths.length,
        undetected: keptPaths.filter((p) => {
          const image = imagePathOf(stage, paths, p)!;
          return !input.detected.some((d) => image === d || image.startsWith(d + '/'));
        }).length,
        estimate: estimate.length > 0 ? estimate.join('; ') : null,
      },
    });
    // Files COPYed by name that the repository does not have: made on the host before building.
    const explicit = stage.copies.flatMap((c) =>
      c.fromStage === null && isWithin(c.dest.replace(/\/$/, '') || '/', folder)
        ? c.sources.filter((s) => !/[*?[$]/.test(s) && contextHas(paths, s) === null)
        : [],
    );
    const secrets = secretsWarning(folder, keptPaths, [
      ...(wholeCopy ? hostProvided : []),
      ...explicit,
    ]);
    if (secrets) warnings.push(secrets);
    for (const [link, target] of Object.entries(input.context.links ?? {})) {
      const image = imagePathOf(stage, paths, link);
      if (image === null || !isWithin(image, folder) || excludedRel(rel(image))) continue;
      const resolved = posix.normalize(posix.join(posix.dirname(link), target));
      const targetImage = target.startsWith('/') ? target : imagePathOf(stage, paths, resolved);
      const gone =
        targetImage === null ||
        resolved.startsWith('..') ||
        (isWithin(targetImage, folder) &&
          (excludedRel(rel(targetImage)) || isBuildInput(posix.basename(targetImage))));
      if (gone)
        warnings.push({
          rule: 'go/runtime-folder',
          reason: `${image} is a symbolic link to ${target}, which the final stage does not have: the link will dangle`,
        });
    }
  }
  // Nothing kept, nothing written, nothing that could appear at build time: only the binary.
  const needed = plans.filter(
    (p) => p.report.kept.length > 0 || p.writable.length > 0 || p.report.estimate !== null,
  );
  return { folders: needed, keepSource, files: looseFiles, warnings };
}

/** Folders of the context with a package.json of their own: a front-end beside the Go code. */
function frontEnds(paths: readonly string[]): string[] {
  return paths
    .filter((p) => p.endsWith('/package.json') && p.split('/').length <= 3)
    .map((p) => p.slice(0, -'/package.json'.length))
    .filter((d) => !d.includes('node_modules'));
}

/**
 * The builder step that assembles the folders: a POSIX shell line (busybox or GNU) that copies
 * each folder's files except what `plan` leaves out, owns what the app writes, and makes every
 * file readable (a host file at 0600 would be unreadable to the non-root user).
 */
export function assembleCommand(
  plan: RuntimeFolderPlan,
  owner: string,
  escape: string,
  eol: string,
): string {
  // One command per line; the words of a long find wrap onto indented lines of their own.
  const lines: string[] = [];
  const wrap = (first: string, words: string[], indent: string) => {
    let line = first;
    for (const word of words) {
      if (line.length + word.length > 96) {
        lines.push(line);
        line = indent + word;
      } else line += (line.trim() === '' ? '' : ' ') + word;
    }
    lines.push(line);
  };
  plan.folders.forEach((f, i) => {
    const stage = `${STAGING}${f.path}`;
    if (f.report.kept.length === 0 && f.report.estimate === null) {
      // Nothing of the context lands here: the folder is made, with what the app writes, and owned.
      const made = f.writable.filter((w) => w !== '.').map((w) => `${stage}/${w.slice(2)}`);
      lines.push(`${i === 0 ? '' : ' && '}mkdir -p ${[stage, ...made].join(' ')}`);
      if (f.writable.length > 0) lines.push(` && chown -R ${owner} ${stage}`);
      return;
    }
    const pruned = [
      ...FACTS.buildOnlyDirNames.map((n) => `-name ${quote(n)}`),
      ...f.prune.map((p) => `-path ${quote(p)}`),
    ];
    // A folder the build removed (rm -rf /src) is not in the original image either: nothing to copy.
    lines.push(
      `${i === 0 ? '' : ' && '}mkdir -p ${stage} && if [ -d ${f.path} ]; then cd ${f.path}`,
    );
    wrap(
      ' && find .',
      [
        `\\( ${pruned.join(' -o ')} \\) -prune`,
        '-o \\( -type f -o -type l \\)',
        ...[...FACTS.buildInputs, ...FACTS.containerFiles]
          .filter((n) => !(plan.keepSource && n === '*.go'))
          .map((n) => `! -name ${quote(n)}`),
        ...f.skip.map((p) => `! -path ${quote(p)}`),
      ],
      '      ',
    );
    const copy = `      -exec sh -c 'for f; do mkdir -p "${stage}/\${f%/*}" && cp -Pp "$f" "${stage}/$f"; done' sh {} +`;
    if (f.writable.length === 0) lines.push(`${copy}; fi`);
    else {
      // The app writes here, maybe into a folder that held only sources: every folder stays.
      lines.push(copy);
      lines.push(
        ` && find . \\( ${pruned.join(' -o ')} \\) -prune -o -type d -exec sh -c 'for d; do mkdir -p "${stage}/$d"; done' sh {} +; fi`,
      );
    }
    if (f.writable.length > 0) {
      const target = (w: string) => (w === '.' ? stage : `${stage}/${w.slice(2)}`);
      const top = f.writable.filter(
        (w) => !f.writable.some((o) => o !== w && (o === '.' || w.startsWith(o + '/'))),
      );
      const made = f.writable.filter((w) => w !== '.');
      lines.push(
        ` && ${made.length > 0 ? `mkdir -p ${made.map(target).join(' ')} && ` : ''}chown -R ${owner} ${top.map(target).join(' ')}`,
      );
    }
  });
  lines.push(` && chmod -R a+rX ${STAGING}`);
  return lines.join(` ${escape}${eol}`);
}

function quote(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : `'${word}'`;
}

/** The rule-list text for one folder: `kept /app: config.yaml, templates/ (48 KB); dropped: ...`. */
export function describeFolder(f: RuntimeFolder): string {
  const total = f.kept.every((k) => k.bytes !== null)
    ? f.kept.reduce((n, k) => n + (k.bytes ?? 0), 0)
    : null;
  const kept =
    f.kept.length === 0
      ? 'nothing from the build context'
      : `${f.kept
          .slice(0, 8)
          .map((k) => k.name)
          .join(
            ', ',
          )}${f.kept.length > 8 ? ` and ${f.kept.length - 8} more` : ''}${total !== null ? ` (${formatBytes(total)})` : ''}`;
  const beyond =
    f.undetected > 0
      ? `, ${f.undetected} of its ${f.files} file${f.files === 1 ? '' : 's'} not named by detection`
      : '';
  return `kept ${f.path}: ${kept}${beyond}${f.dropped.length > 0 ? `; dropped: ${f.dropped.join('; ')}` : ''}${f.estimate ? ` (an estimate: ${f.estimate})` : ''}`;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${Math.round(n / 100) / 10} KB`;
  return `${Math.round(n / 1e5) / 10} MB`;
}
