import path from 'path';
import ignore, { Ignore } from 'ignore';
import { DockerizeError } from '../errors';
import type { ConfigFinder } from './config';
import { DirIndex, listingOf } from './dir-index';
import { globBase, globToRegExp, isGlob } from './glob';
import type { Io } from './io';
import { comparePaths } from './path-order';

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', 'vendor']);
const IGNORE_FILES = ['.gitignore', '.dockerize-slimignore'];

export function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  return (
    /^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /\.(Dockerfile|dockerfile)$/.test(name)
  );
}

export interface Discovered {
  files: string[];
  errors: Array<{ path: string; error: DockerizeError }>;
  /** Symlinked Dockerfiles found in a folder whose target lies outside the paths given. */
  outside: Array<{ path: string; target: string }>;
}

export interface DiscoverOptions {
  /** --exclude globs, gitignore-style, relative to the working directory. */
  excludes?: string[];
  configs?: ConfigFinder;
  dirs?: DirIndex;
  /** Called once per Dockerfile as soon as the walk finds it (to start work early). */
  onFile?: (file: string) => void;
  /** Called for each entry of `errors` and `outside` when found, in walk order with onFile. */
  onError?: (e: Discovered['errors'][number]) => void;
  onOutside?: (link: Discovered['outside'][number]) => void;
}

/** Where discovery's findings go as they are made. */
interface Report {
  error(e: Discovered['errors'][number]): void;
  outside(link: Discovered['outside'][number]): void;
}

/** gitignore-style rules that apply below `base`. */
interface Rule {
  base: string;
  ig: Ignore;
}

/**
 * Files as given; folders searched recursively for Dockerfile names; globs matched from their
 * fixed prefix. Walks skip .git, node_modules and vendor, and honour .gitignore and
 * .dockerize-slimignore files (nested ones too, and those of parent folders up to the git root),
 * the `exclude` list of .dockerize-slim.json files, and --exclude. The result is sorted.
 */
export function discover(inputs: string[], io: Io, options: DiscoverOptions = {}): Discovered {
  const steps = discoverSteps(inputs, io, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * discover, one folder at a time: the generator stops each time it is done with a folder and
 * everything below it, and gives its path, so that the caller can run the files found in it
 * (or let worker threads report) before walking on.
 */
export function* discoverSteps(
  inputs: string[],
  io: Io,
  options: DiscoverOptions = {},
): Generator<string, Discovered, void> {
  const seen = new Set<string>();
  const files = {
    add(file: string) {
      if (seen.has(file)) return;
      seen.add(file);
      options.onFile?.(file);
    },
  };
  const errors: Discovered['errors'] = [];
  const base: Rule[] =
    options.excludes && options.excludes.length > 0
      ? [{ base: io.cwd, ig: ignore().add(options.excludes) }]
      : [];
  const outside: Discovered['outside'] = [];
  const report: Report = {
    error(e) {
      errors.push(e);
      options.onError?.(e);
    },
    outside(link) {
      outside.push(link);
      options.onOutside?.(link);
    },
  };
  const walker = new Walker(io, options.dirs ?? new DirIndex(io), options.configs, report);
  // Inputs in path order and each folder's entries sorted: files are found in output order.
  const ordered = [...inputs].sort((a, b) =>
    comparePaths(inputOrderKey(a, io), inputOrderKey(b, io)),
  );
  for (const input of ordered) {
    if (isGlob(input)) {
      const root = path.resolve(io.cwd, globBase(input));
      const re = globToRegExp(
        path.relative(io.cwd, path.resolve(io.cwd, input)).split(path.sep).join('/'),
      );
      const literalName = !isGlob(input.split('/').pop() ?? '');
      const found = new Set<string>();
      walker.startAt(root);
      yield* walker.walk(root, [...base, ...walker.ancestorRules(root)], found, (file) => {
        const rel = path.relative(io.cwd, file).split(path.sep).join('/');
        return re.test(rel) && (literalName || isDockerfileName(path.basename(file)));
      });
      if (found.size === 0)
        report.error({
          path: input,
          error: new DockerizeError('E_READ', 'the pattern matches no Dockerfile'),
        });
      for (const f of found) files.add(f);
      continue;
    }
    const abs = path.resolve(io.cwd, input);
    let stat;
    try {
      stat = io.fs.statSync(abs);
    } catch (e) {
      report.error({ path: input, error: new DockerizeError('E_READ', describeFsError(e)) });
      continue;
    }
    if (stat.isDirectory() && isDockerfileName(path.basename(abs))) {
      report.error({
        path: input,
        error: new DockerizeError('E_READ', 'is a directory, not a Dockerfile'),
      });
    } else if (stat.isDirectory()) {
      walker.startAt(abs);
      yield* walker.walk(abs, [...base, ...walker.ancestorRules(abs)], files, (f) =>
        isDockerfileName(path.basename(f)),
      );
    } else {
      files.add(abs);
    }
  }
  return { files: [...seen].sort(), errors, outside };
}

function inputOrderKey(input: string, io: Io): string {
  const abs = path.resolve(io.cwd, isGlob(input) ? globBase(input) : input);
  const rel = path.relative(io.cwd, abs).split(path.sep).join('/');
  return rel.startsWith('..') ? abs : rel;
}

/**
 * The real folders the inputs name (a file's folder, a glob's fixed prefix): where the tool may
 * create files.
 */
export function inputRoots(inputs: string[], io: Io): string[] {
  const roots: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(io.cwd, isGlob(input) ? globBase(input) : input);
    try {
      const real = io.fs.realpathSync(abs);
      roots.push(io.fs.statSync(real).isDirectory() ? real : path.dirname(real));
    } catch {
      // A path that does not exist is reported by discovery; it roots nothing.
    }
  }
  return roots;
}

class Walker {
  constructor(
    private readonly io: Io,
    private readonly dirs: DirIndex,
    private readonly configs: ConfigFinder | undefined,
    private readonly report: Report,
  ) {}

  /** The real folder a walk starts from: found symlinks must stay inside it. */
  private root = '';

  startAt(dir: string): void {
    try {
      this.root = this.io.fs.realpathSync(dir);
    } catch {
      this.root = dir;
    }
  }

  /** Rules of the folders above `dir`, up to the enclosing git repository's root. */
  ancestorRules(dir: string): Rule[] {
    const chain: string[] = [];
    let d = path.dirname(dir);
    let gitRoot: string | null = null;
    for (let cur = dir; ; cur = path.dirname(cur)) {
      if (this.dirs.has(cur, '.git')) {
        gitRoot = cur;
        break;
      }
      if (path.dirname(cur) === cur) break;
    }
    if (gitRoot === null || gitRoot === dir) return [];
    for (; ; d = path.dirname(d)) {
      chain.unshift(d);
      if (d === gitRoot) break;
    }
    return chain.flatMap((c) => this.rulesAt(c));
  }

  private rulesAt(dir: string): Rule[] {
    const patterns: string[] = [];
    for (const name of IGNORE_FILES) {
      const text = this.dirs.read(dir, name);
      if (text !== undefined) patterns.push(text);
    }
    if (this.configs) {
      try {
        const config = this.configs.readAt(dir);
        if (config?.exclude) patterns.push(config.exclude.join('\n'));
      } catch (e) {
        this.report.error({ path: dir, error: e as DockerizeError });
      }
    }
    return patterns.length > 0 ? [{ base: dir, ig: ignore().add(patterns.join('\n')) }] : [];
  }

  *walk(
    dir: string,
    inherited: Rule[],
    out: { add(file: string): void },
    accept: (file: string) => boolean,
  ): Generator<string, void, void> {
    let entries;
    try {
      entries = this.io.fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    this.dirs.remember(dir, listingOf(entries));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const own = this.rulesAt(dir);
    const rules = own.length > 0 ? [...inherited, ...own] : inherited;
    for (const e of entries) {
      const p = path.join(dir, e.name);
      const isDir = e.isDirectory();
      if (isDir && ALWAYS_SKIPPED.has(e.name)) continue;
      if (rules.some((r) => isIgnored(r, p, isDir))) continue;
      if (isDir) yield* this.walk(p, rules, out, accept);
      else if (e.isFile() && accept(p)) out.add(p);
      else if (e.isSymbolicLink() && accept(p)) {
        // A link found in a folder is followed only to a file inside the folder walked: a
        // repository must not get the tool to read or write outside the paths it was given.
        let target: string;
        try {
          target = this.io.fs.realpathSync(p);
        } catch {
          continue;
        }
        if (target === this.root || target.startsWith(this.root + path.sep)) out.add(p);
        else this.report.outside({ path: p, target });
      }
    }
    // Once the folder and all below it are listed: a Dockerfile found here then reads its build
    // context from listings the walk has made.
    yield dir;
  }
}

function isIgnored(rule: Rule, file: string, isDir: boolean): boolean {
  const rel = path.relative(rule.base, file).split(path.sep).join('/');
  if (rel === '' || rel.startsWith('..')) return false;
  return rule.ig.ignores(isDir ? rel + '/' : rel);
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return (e as Error).message;
  }
}
