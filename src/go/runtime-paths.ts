import { parseGitIgnore } from '../build-context/gitignore';
import posix from 'path/posix';
import { GO_FACTS } from '../templates';
import { roughWords } from '../dockerfile/shell-words';
import type { Note } from '../types';
import { contextHas, contextPathOf, imagePathOf } from '../dockerfile/copies';
import type { GoBuildStep } from './analyze';
import { GoMod, GoPackage, GoSourceFacts } from './sources';
import { shellPath, StageFacts } from '../dockerfile/stage';

/** A file or folder of the build context the binary opens at run time, where it is in the image. */
export interface RuntimePath {
  imagePath: string;
  kind: 'file' | 'dir';
  /** Why it counts: `"config/app.json" in cmd/server` or `COPY web /app/web`. */
  why: string;
}

export interface GoRuntimePaths {
  reads: RuntimePath[];
  /** Folders the binary writes into (image paths); the WORKDIR itself when it writes there. */
  writableDirs: string[];
  /** Where each writable folder comes from, for the reason. */
  writeWhy: Record<string, string>;
  warnings: Note[];
}

const BUILD_ONLY = new Set(GO_FACTS.buildOnlyContextFiles);

/**
 * Runtime files keyed on paths, not on call shapes: every string literal in the main package
 * and the local packages it imports that names a file or folder of the build context (relative to
 * the WORKDIR, `../x` included, or absolute where a COPY put it), and every non-Go path the
 * original COPYs explicitly, unless //go:embed already puts it in the binary.
 */
/** What else names runtime files: the start's arguments, host-made files, where go.mod is. */
export interface RuntimePathHints {
  /** The start command's arguments after the program (`-words data/words.txt`). */
  startArgs: string[];
  /** The context's .gitignore: an explicit COPY of a file it lists is made on the host. */
  gitignore?: string;
  /** The folder of go.mod in the context ('.' for its root). */
  modDir: string;
}

export function goRuntimePaths(
  stage: StageFacts,
  sources: GoSourceFacts,
  mod: GoMod | null,
  build: GoBuildStep | undefined,
  paths: readonly string[],
  workdir: string,
  hints: RuntimePathHints = { startArgs: [], modDir: '.' },
): GoRuntimePaths {
  const packages = relevantPackages(stage, sources, mod, build, paths, hints.modDir);
  const embedded = embeddedPaths(packages);
  const isEmbedded = (ctx: string) =>
    embedded.some((e) => ctx === e || ctx.startsWith(e + '/') || e.startsWith(ctx + '/'));
  const isSource = (ctx: string, kind: 'file' | 'dir') =>
    ctx.endsWith('.go') ||
    BUILD_ONLY.has(posix.basename(ctx)) ||
    ctx === 'vendor' ||
    ctx.startsWith('vendor/') ||
    ctx.startsWith('.git') ||
    (kind === 'dir' && sources.packages.some((p) => p.dir === ctx || p.dir.startsWith(ctx + '/')));
  const reads = new Map<string, RuntimePath>();
  const consider = (imagePath: string, why: string, allowPackageDir: boolean) => {
    if (imagePath === workdir || workdir.startsWith(imagePath.replace(/\/$/, '') + '/')) return;
    if (imagePath === '/' || /^\/(tmp|proc|sys|dev|etc\/ssl)(\/|$)/.test(imagePath)) return;
    const ctx = contextPathOf(stage, paths, imagePath);
    if (ctx === null || ctx === '') return;
    const kind = contextHas(paths, ctx);
    if (kind === null || isEmbedded(ctx)) return;
    if (isSource(ctx, kind) && !(allowPackageDir && kind === 'dir' && !ctx.endsWith('.go'))) return;
    if (!reads.has(imagePath)) reads.set(imagePath, { imagePath, kind, why });
  };
  const envValues = stage.envValues;
  for (const pkg of packages) {
    for (const literal of pkg.literals) {
      const p = literalPath(literal);
      if (p === null) continue;
      consider(posix.resolve(workdir, p), `"${literal}" in ${pkgLabel(pkg)}`, false);
      // wd + "/config.yaml" with wd from os.Getwd(): the literal is relative to the WORKDIR.
      if (pkg.usesGetwd && p.startsWith('/') && p.length > 1)
        consider(
          posix.resolve(workdir, p.slice(1)),
          `os.Getwd() + "${literal}" in ${pkgLabel(pkg)}`,
          false,
        );
    }
    for (const name of pkg.pathEnv) {
      const value = envValues[name];
      const p = value !== undefined ? literalPath(value) : null;
      if (p !== null) consider(posix.resolve(workdir, p), `$${name}=${value} (ENV)`, true);
    }
  }
  for (const arg of hints.startArgs) {
    const value = arg.startsWith('-')
      ? arg.includes('=')
        ? arg.slice(arg.indexOf('=') + 1)
        : null
      : arg;
    const p = value === null ? null : literalPath(value);
    if (p !== null) consider(posix.resolve(workdir, p), `"${value}" in the start command`, true);
  }
  const gitignore = hints.gitignore !== undefined ? parseGitIgnore(hints.gitignore) : null;
  for (const copy of stage.copies) {
    if (copy.fromStage !== null || copy.isHeredoc) continue;
    for (const raw of copy.sources) {
      const src = posix
        .normalize('/' + raw)
        .slice(1)
        .replace(/\/$/, '');
      if (src === '' || src === '.' || /[*?[$]/.test(src)) continue;
      const target = imagePathOf(stage, paths, src);
      if (target === null) continue;
      if (contextHas(paths, src) === null && gitignore?.ignores(src) && !reads.has(target)) {
        // Absent now, listed in .gitignore: made on the host (a .env from an example) before building.
        const dir = raw.endsWith('/') || paths.some((p) => p.startsWith(src + '/'));
        reads.set(target, {
          imagePath: target,
          kind: dir ? 'dir' : 'file',
          why: `${copy.keyword} ${raw} ${copy.dest}, a file .gitignore lists (made on the host)`,
        });
        continue;
      }
      consider(target, `${copy.keyword} ${raw} ${copy.dest}`, false);
    }
  }
  const selected = [...reads.values()].sort((a, b) => (a.imagePath < b.imagePath ? -1 : 1));
  const minimal = selected.filter(
    (r) =>
      !selected.some(
        (o) => o !== r && o.kind === 'dir' && r.imagePath.startsWith(o.imagePath + '/'),
      ),
  );
  const { writableDirs, writeWhy } = writable(stage, packages, workdir);
  const warnings: Note[] = [];
  for (const pkg of packages) {
    for (const flag of pkg.pathFlags)
      warnings.push({
        rule: 'go/runtime-path-unknown',
        reason: `${pkgLabel(pkg)} takes a path from the -${flag} flag with no default; the tool cannot know which file it names, so make sure the final stage has it (COPY it, or mount it)`,
      });
    for (const name of pkg.pathEnv) {
      if (name in envValues) continue;
      warnings.push({
        rule: 'go/runtime-path-unknown',
        reason: `${pkgLabel(pkg)} reads a path from $${name}, which the Dockerfile does not set; the tool cannot know which file it names, so make sure the final stage has it`,
      });
    }
  }
  return { reads: minimal, writableDirs, writeWhy, warnings };
}

/** A literal as a path to look up: patterns and format verbs cut back to their folder. */
function literalPath(literal: string): string | null {
  let v = literal.trim().replace(/^file:\/\//, '');
  if (v === '' || v.length > 200 || /[\s,;=<>|"'`\\]|:\/\/|^-/.test(v)) return null;
  const cut = v.search(/[*?[{%]/);
  if (cut >= 0) {
    const slash = v.lastIndexOf('/', cut);
    if (slash <= 0) return null;
    v = v.slice(0, slash);
  }
  v = v.replace(/\?.*$/, '').replace(/^file:/, '');
  if (v === '' || v === '.' || v === './' || /^\.\.?\/?$/.test(v)) return null;
  return v;
}

function pkgLabel(pkg: GoPackage): string {
  return pkg.dir === '.' ? `package ${pkg.name}` : pkg.dir;
}

/** Context paths covered by //go:embed (patterns cut back to their folder). */
export function embeddedPaths(packages: GoPackage[]): string[] {
  const out: string[] = [];
  for (const pkg of packages) {
    for (const e of pkg.embeds) {
      const p = literalPath(e.replace(/^all:/, ''));
      if (p) out.push(posix.join(pkg.dir, p));
    }
  }
  return out;
}

/**
 * The main package the binary is built from and the local packages it imports (through go.mod's
 * module path, or GOPATH-style import suffixes); every package when the main one is not known.
 */
function relevantPackages(
  stage: StageFacts,
  sources: GoSourceFacts,
  mod: GoMod | null,
  build: GoBuildStep | undefined,
  paths: readonly string[],
  modDir: string,
): GoPackage[] {
  const inModule = (rel: string) => (rel === '' ? modDir : posix.join(modDir, rel));
  const byDir = new Map(sources.packages.map((p) => [p.dir, p]));
  let mainDir: string | null = null;
  if (build) {
    const pkg = build.cmd.packages[0] ?? '.';
    const local = pkg.startsWith('.') || pkg.startsWith('/') || pkg.endsWith('.go');
    if (local) {
      const imageDir = posix.resolve(build.cmd.cwd, pkg.endsWith('.go') ? posix.dirname(pkg) : pkg);
      const ctx = contextPathOf(stage, paths, imageDir);
      mainDir = ctx === null ? null : ctx === '' ? '.' : ctx;
    } else if (mod?.module && (pkg === mod.module || pkg.startsWith(mod.module + '/'))) {
      mainDir = inModule(pkg === mod.module ? '' : pkg.slice(mod.module.length + 1));
    }
  }
  const main = mainDir !== null ? byDir.get(mainDir) : undefined;
  if (!main) return sources.packages;
  const seen = new Set<GoPackage>([main]);
  const queue = [main];
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    for (const imp of pkg.imports) {
      let dir: string | null = null;
      if (mod?.module && (imp === mod.module || imp.startsWith(mod.module + '/')))
        dir = inModule(imp === mod.module ? '' : imp.slice(mod.module.length + 1));
      else if (imp.includes('.'))
        dir = sources.packages.find((p) => p.dir !== '.' && imp.endsWith('/' + p.dir))?.dir ?? null;
      const next = dir !== null ? byDir.get(dir) : undefined;
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}

/**
 * Folders the binary must be able to write: those it creates, the folders of files it writes
 * (SQLite and log files need their folder for journals and rotation), folders the original made
 * with RUN mkdir, and VOLUMEs (a volume starts with the image folder's owner).
 */
function writable(
  stage: StageFacts,
  packages: GoPackage[],
  workdir: string,
): { writableDirs: string[]; writeWhy: Record<string, string> } {
  const dirs = new Map<string, string>();
  const add = (dir: string, why: string) => {
    if (dir === '/' || /^\/(tmp|proc|sys|dev)(\/|$)/.test(dir)) return;
    if (!dirs.has(dir)) dirs.set(dir, why);
  };
  // Safe first: a program that writes where only run time knows (a path from its config file)
  // gets its working folder as the root user it ran as would have had it.
  const computed = packages.find((p) => p.computedWrites.length > 0);
  if (computed)
    add(
      workdir,
      `${pkgLabel(computed)} writes to a path it computes at run time (${computed.computedWrites[0]}), so the folder it runs in stays writable`,
    );
  for (const pkg of packages) {
    const written = [
      ...pkg.writes,
      ...pkg.literals
        .filter((l) => /^[\w./-]+\.(db|sqlite3?|log|bolt)$/.test(l) && !pkg.joinParts.includes(l))
        .map((path) => ({ path, kind: 'file' as const })),
    ];
    for (const w of written) {
      const p = w.path.replace(/^file:/, '').replace(/\?.*$/, '');
      if (p === '' || p === ':memory:' || /[*%{]/.test(p)) continue;
      const abs = posix.resolve(workdir, p);
      add(w.kind === 'dir' ? abs : posix.dirname(abs), `${pkgLabel(pkg)} writes "${w.path}"`);
    }
  }
  for (const run of stage.runs) {
    for (const cmd of run.commands) {
      const words = roughWords(cmd);
      // chown of a folder in the original: it meant the folder to belong to its (runtime) user.
      if (words[0] === 'chown') {
        const args = words.slice(1).filter((w) => !w.startsWith('-'));
        for (const w of args.slice(1)) {
          const p = shellPath(w, run, stage);
          if (p !== null) add(p, `RUN chown ${args[0]} ${w} in the original`);
        }
        continue;
      }
      if (words[0] !== 'mkdir') continue;
      for (const w of words.slice(1)) {
        const p = w.startsWith('-') ? null : shellPath(w, run, stage);
        if (p !== null) add(p, `RUN mkdir ${w} in the original`);
      }
    }
  }
  for (const v of stage.volumes) {
    for (const a of v.getArguments()) {
      const p = a.getValue().replace(/^\[|\]$|^"|"$|,$/g, '');
      if (p.startsWith('/')) add(p, `VOLUME ${p}`);
    }
  }
  const writableDirs = [...dirs.keys()].sort();
  return { writableDirs, writeWhy: Object.fromEntries(dirs) };
}
