import posix from 'path/posix';
import { CONTEXT_LIMITS } from '../context';
import {
  callArguments,
  splitArguments,
  StaticPath,
  staticPath,
  stringLiteral,
  walkCode,
} from '../build-context/js-expr';

/** A path the app writes, resolved as far as the sources say. */
export interface WrittenPath {
  /** Relative to the working directory (`cwd`), or to the build context root (`context`). */
  base: 'cwd' | 'context';
  path: string;
  /** `dir`: the app creates or fills this folder; `file`: it writes this file (its folder must be writable). */
  kind: 'dir' | 'file';
  /** Where the sources say so: `src/db.js:12`. */
  where: string;
}

export interface SpawnedProgram {
  /** The program name, or null when the sources compute it. */
  name: string | null;
  /** Started through a shell (exec, execSync, spawn with shell: true). */
  shell: boolean;
  where: string;
}

/** What the app's own JavaScript and TypeScript say about its run time (static reading only). */
export interface NodeSourceFacts {
  fileCount: number;
  truncated: boolean;
  /** npm_* variables the code reads from process.env. */
  npmEnv: string[];
  /** Where each npm_* variable is read (the first place). */
  npmEnvWhere: Record<string, string>;
  /** Every read of an npm_* variable, with where (`scripts/build-info.js:5`). */
  npmEnvReads: Array<{ name: string; where: string }>;
  programs: SpawnedProgram[];
  written: WrittenPath[];
  /** Writes to paths the code computes at run time, by where (`src/log.js:12`). */
  computedWrites: string[];
  /** Ports passed to listen() as literals, with where. */
  listenPorts: Array<[number, string]>;
  /** Ports used when PORT is unset (`process.env.PORT || 80`), with where. */
  fallbackPorts: Array<[number, string]>;
}

const CHILD_PROCESS =
  /require\(\s*['"](?:node:)?child_process['"]\s*\)|from\s+['"](?:node:)?child_process['"]|['"](execa|cross-spawn)['"]/;
const FS_IMPORT = /['"](?:node:)?fs(?:\/promises)?['"]|['"]fs-extra['"]/;
const WRITE_FILE_CALLS =
  /\b(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|outputFile|outputFileSync|writeJson|writeJsonSync|outputJson|outputJsonSync)\s*\(/g;
const MKDIR_CALLS = /\b(mkdir|mkdirSync|ensureDir|ensureDirSync|mkdirp|mkdirpSync)\s*\(/g;
const DATABASE_CALLS =
  /new\s+(?:sqlite3\.)?(?:verbose\(\)\.)?Database\s*\(|\b(?:JSONFile|FileSync|JSONFileSync|Datastore)\s*\(/g;
// Option keys that name a file or folder the app writes: multer's dest/destination, winston and
// nedb's filename, sequelize's storage, knex's sqlite filename.
const WRITE_KEYS = /\b(dest|destination|filename|storage|uploadDir|logDir)\s*:\s*/g;
const SPAWN_CALLS = /\b(spawn|spawnSync|execFile|execFileSync|execa|execaSync|crossSpawn)\s*\(/g;
const SHELL_CALLS = /\b(exec|execSync|execaCommand|execaCommandSync)\s*\(/g;

/** Commands a shell runs itself: never looked up as programs. */
const SHELL_BUILTINS = new Set([
  'cd',
  'echo',
  'export',
  'set',
  'unset',
  'exit',
  'true',
  'false',
  'test',
  '[',
  'pwd',
  'read',
  'source',
  '.',
  'eval',
  'exec',
  'shift',
  'umask',
  'wait',
  'type',
  'command',
  'alias',
  'trap',
]);

/** Static reading only: the text is searched, never run. */
export function scanNodeSources(files: Record<string, string>): NodeSourceFacts {
  const facts: NodeSourceFacts = {
    fileCount: 0,
    truncated: false,
    npmEnv: [],
    npmEnvWhere: {},
    npmEnvReads: [],
    programs: [],
    written: [],
    computedWrites: [],
    listenPorts: [],
    fallbackPorts: [],
  };
  const npmEnv = new Set<string>();
  for (const [file, text] of Object.entries(files).sort()) {
    if (!/\.(c|m)?[jt]sx?$/.test(file) || /\.config\.[cm]?[jt]s$/.test(file)) continue;
    if (facts.fileCount >= CONTEXT_LIMITS.maxNodeFiles) {
      facts.truncated = true;
      break;
    }
    facts.fileCount++;
    const code = stripComments(text);
    const at = (index: number) => `${file}:${lineAt(code, index)}`;
    for (const m of code.matchAll(
      /process\.env\.(npm_[A-Za-z0-9_]+)|process\.env\[\s*['"](npm_[^'"]+)['"]\s*\]/g,
    )) {
      const name = m[1] ?? m[2];
      npmEnv.add(name);
      facts.npmEnvWhere[name] ??= at(m.index!);
      facts.npmEnvReads.push({ name, where: at(m.index!) });
    }
    for (const m of code.matchAll(/\{([^{}]*)\}\s*=\s*process\.env\b/g)) {
      for (const part of m[1].split(',')) {
        const name = part.split(':')[0].trim();
        if (/^npm_/.test(name)) {
          npmEnv.add(name);
          facts.npmEnvWhere[name] ??= at(m.index!);
          facts.npmEnvReads.push({ name, where: at(m.index!) });
        }
      }
    }
    for (const m of code.matchAll(
      /\.listen\(\s*(\d{1,5})\b|\bPORT\s*(?:\|\||\?\?)\s*(\d{1,5})\b/g,
    )) {
      if (m[1] !== undefined)
        facts.listenPorts.push([Number(m[1]), `listen(${m[1]}) in ${at(m.index!)}`]);
      else facts.fallbackPorts.push([Number(m[2]), `PORT || ${m[2]} in ${at(m.index!)}`]);
    }
    if (CHILD_PROCESS.test(code)) scanPrograms(code, at, facts.programs);
    const usesFs = FS_IMPORT.test(code);
    const dir = posix.dirname(file);
    const record = (p: StaticPath | null, kind: WrittenPath['kind'], index: number) => {
      if (!p || p.path === '' || /^[a-z]+:\/\//i.test(p.path) || p.path === ':memory:') return;
      const dynamicFile = kind === 'file' && p.dynamicTail;
      const written: WrittenPath =
        p.base === 'dirname'
          ? { base: 'context', path: posix.join(dir, p.path), kind, where: at(index) }
          : { base: 'cwd', path: p.path, kind, where: at(index) };
      // A computed file name under a known folder: the folder is what must be writable.
      if (dynamicFile) written.kind = 'dir';
      facts.written.push(written);
    };
    const firstArgument = (index: number, length: number) =>
      splitArguments(callArguments(code, index + length - 1))[0] ?? '';
    // A write whose path the code computes (from config, from a request) lands where only run
    // time knows: recorded so the app keeps a writable folder, as it had as root.
    const computed = (arg: string, index: number) => {
      if (arg !== '' && !/tmpdir|\/tmp|TEMP|process\.stdout|process\.stderr/i.test(arg))
        facts.computedWrites.push(at(index));
    };
    if (usesFs) {
      for (const m of code.matchAll(WRITE_FILE_CALLS)) {
        const arg = firstArgument(m.index!, m[0].length);
        const p = staticPath(arg);
        if (p) record(p, 'file', m.index!);
        else computed(arg, m.index!);
      }
      for (const m of code.matchAll(MKDIR_CALLS)) {
        const arg = firstArgument(m.index!, m[0].length);
        const p = staticPath(arg);
        if (p) record(p, 'dir', m.index!);
        else computed(arg, m.index!);
      }
    }
    for (const m of code.matchAll(DATABASE_CALLS))
      record(staticPath(firstArgument(m.index!, m[0].length)), 'file', m.index!);
    for (const m of code.matchAll(WRITE_KEYS)) {
      const value = leadingExpression(code.slice(m.index! + m[0].length));
      const p = staticPath(value);
      if (p && (p.path.includes('/') || /\.[a-z0-9]+$/i.test(p.path) || p.base === 'dirname'))
        record(
          p,
          m[1] === 'dest' || m[1] === 'destination' || /Dir$/.test(m[1]) ? 'dir' : 'file',
          m.index!,
        );
    }
  }
  facts.npmEnv = [...npmEnv].sort();
  return facts;
}

function scanPrograms(
  code: string,
  at: (index: number) => string,
  programs: SpawnedProgram[],
): void {
  for (const m of code.matchAll(SPAWN_CALLS)) {
    const args = splitArguments(callArguments(code, m.index! + m[0].length - 1));
    const program = stringLiteral(args[0] ?? '');
    const shell = args.slice(1).some((a) => /\bshell\s*:\s*(true|['"])/.test(a));
    if (program === null && /process\.execPath/.test(args[0] ?? '')) continue;
    const name = program === null ? null : program.trim().split(/\s+/)[0];
    // A builtin is not a program (spawn('cd') fails the same way everywhere).
    if (name !== null && SHELL_BUILTINS.has(name)) continue;
    programs.push({ name, shell, where: at(m.index!) });
  }
  for (const m of code.matchAll(SHELL_CALLS)) {
    // `.exec(` of a RegExp or a database query is not child_process.exec.
    if (
      code[m.index! - 1] === '.' &&
      !/child_process\.|cp\.|childProcess\.$/.test(code.slice(Math.max(0, m.index! - 14), m.index!))
    )
      continue;
    const args = splitArguments(callArguments(code, m.index! + m[0].length - 1));
    const first = args[0] ?? '';
    const literal = stringLiteral(first) ?? /^`([^`$]+)`$/.exec(first)?.[1] ?? null;
    if (literal === null) {
      const head = /^`([^`$\s]+)/.exec(first)?.[1] ?? null;
      programs.push({ name: head, shell: true, where: at(m.index!) });
      continue;
    }
    // A command line run by a shell: the program of each command in it (cd /x && ls -> ls).
    const names = literal
      .split(/&&|\|\||;|\|/)
      .map((c) => c.trim().split(/\s+/)[0])
      .filter((n) => n !== undefined && n !== '' && !SHELL_BUILTINS.has(n));
    if (names.length === 0) programs.push({ name: 'sh', shell: true, where: at(m.index!) });
    for (const name of names) programs.push({ name, shell: true, where: at(m.index!) });
  }
}

/** The expression at the start of `text`, up to a top-level `,`, `;`, `}` or line end. */
/** The expression at the start of `text`, up to the `,` `;` or closing bracket that ends it. */
export function leadingExpression(text: string): string {
  const end = walkCode(
    text,
    0,
    (ch, _i, depth) =>
      depth === 0 &&
      (ch === ',' || ch === ';' || ch === '\n' || ch === ')' || ch === ']' || ch === '}'),
  );
  return text.slice(0, end).trim();
}

/** Comments out, strings kept (a // inside a URL string is not a comment). */
export function stripComments(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const skipped = text.slice(i, end < 0 ? text.length : end + 2);
      out += skipped.replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 1;
    } else out += ch;
  }
  return out;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
