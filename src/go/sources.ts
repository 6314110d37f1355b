import posix from 'path/posix';
import { callArguments, splitArguments } from '../build-context/js-expr';
import { GO_FACTS } from '../templates';

const PROGRAM_LIBRARIES = GO_FACTS.programLibraries as Record<string, string[]>;

/** A path the code writes, as written in a literal (relative to the working directory, or absolute). */
export interface GoWrite {
  path: string;
  /** `dir`: the code creates or fills this folder; `file`: it writes this file (its folder must be writable). */
  kind: 'file' | 'dir';
}

/** One package of the build context: what its non-test files say, for the runtime file search. */
export interface GoPackage {
  /** Folder relative to the context root ('.' for the root). */
  dir: string;
  name: string;
  imports: string[];
  /** Every string literal (imports and struct tags left out), deduplicated. */
  literals: string[];
  /** //go:embed patterns, relative to the package folder. */
  embeds: string[];
  writes: GoWrite[];
  /** Flags or env variables that name a path with no literal default: `-config`, `$CONFIG_PATH`. */
  pathFlags: string[];
  pathEnv: string[];
  /** Ports in listen addresses (`:80`, `0.0.0.0:8080`). */
  listenPorts: number[];
  /** Literals that are only parts of a filepath.Join (their joined path is in `literals`). */
  joinParts: string[];
  /** The code builds paths on os.Getwd() (`wd + "/config.yaml"`): a "/x" literal may be relative. */
  usesGetwd: boolean;
  /** Writes to a path computed at run time (from a config file, a flag), with where. */
  computedWrites: string[];
}

/** What the Go sources in the build context say about the runtime the binary needs. */
export interface GoSourceFacts {
  fileCount: number;
  /** Files with `import "C"`. */
  cgoFiles: string[];
  importsTzdata: boolean;
  usesTimeZones: boolean;
  usesTls: boolean;
  usesTempDir: boolean;
  usesOsUser: boolean;
  /** Programs started with exec.Command. */
  execPrograms: string[];
  /** exec.Command calls whose program is computed at run time (`exec.Command(name, ...)`), by file. */
  execDynamic: string[];
  /**
   * What finds files through the source paths compiled into the binary, which -trimpath removes:
   * libraries (packr), and the app's own runtime.Caller paths or stack traces it opens.
   */
  sourcePathLibraries: string[];
  /** The app may open files its stack traces or runtime.Caller name (its source): keep *.go. */
  readsOwnSource: boolean;
  packages: GoPackage[];
  truncated: boolean;
}

/** A file opened for reading by a path computed at run time (a variable, not a literal). */
const COMPUTED_READ = /\b(?:os\.(?:Open|ReadFile)|ioutil\.ReadFile)\s*\(\s*[A-Za-z_]/;
const LIBRARY_WRITE = new RegExp(
  `\\.(${GO_FACTS.fileWriterMethods.join('|')})\\s*\\(\\s*(?:"([^"]+)"|([A-Za-z_][\\w.]*)\\s*\\))`,
  'g',
);
const MAX_FILES = GO_FACTS.limits.maxFiles;
const MAX_TOTAL = GO_FACTS.limits.maxTotalBytes;
const WRITE_CALLS: Array<[RegExp, GoWrite['kind']]> = [
  [/\b(?:os\.(?:Create|WriteFile)|ioutil\.WriteFile)\s*\(\s*"([^"]+)"/g, 'file'],
  [/\bos\.OpenFile\s*\(\s*"([^"]+)"\s*,[^,)]*\bO_(?:WRONLY|RDWR|CREATE|APPEND|TRUNC)\b/g, 'file'],
  [/\bos\.(?:Mkdir|MkdirAll)\s*\(\s*"([^"]+)"/g, 'dir'],
  [/\bsql(?:x)?\.Open\s*\(\s*"sqlite3?"\s*,\s*"([^"]+)"/g, 'file'],
  [/\bsqlite\.Open\s*\(\s*"([^"]+)"/g, 'file'],
  [/\b(?:bolt|bbolt|buntdb|storm|leveldb)\.Open(?:File)?\s*\(\s*"([^"]+)"/g, 'file'],
  [/\bbadger\.DefaultOptions\s*\(\s*"([^"]+)"/g, 'dir'],
  [/\bFilename\s*:\s*"([^"]+)"/g, 'file'],
];
// A variable or flag names a path when its last word says so (CONFIG_PATH, -templates-dir), not
// when a word merely contains one (DB_USER, GOOGLE_REDIRECT).
const PATH_WORDS = new Set([
  'PATH',
  'DIR',
  'DIRECTORY',
  'FILE',
  'FILENAME',
  'FOLDER',
  'ROOT',
  'TEMPLATES',
  'STATIC',
  'ASSETS',
  'PUBLIC',
  'CONFIG',
  'CONF',
  'CFG',
]);
function namesPath(name: string): boolean {
  const words = name
    .toUpperCase()
    .split(/[-_.]+/)
    .filter(Boolean);
  return words.length > 0 && PATH_WORDS.has(words[words.length - 1]);
}

const GOARCH = new Set(
  '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(
    ' ',
  ),
);

/**
 * Whether a build for Linux compiles a file, by its build constraint: false when no such build
 * meets it (`//go:build ignore`, `mage`, `tools`, `windows`: a tag nobody sets unless -tags
 * names it), null when it depends on what is not known here (the architecture, cgo), true
 * otherwise. `tags` are the tags the Dockerfile's builds pass with -tags.
 */
export function isCompiled(text: string, tags: ReadonlySet<string>): boolean | null {
  const header = text.slice(0, Math.max(0, text.search(/^\s*package\s/m)));
  const atom = (word: string): boolean | null => {
    if (word === 'linux' || word === 'unix' || word === 'gc' || /^go1\.\d+$/.test(word))
      return true;
    if (tags.has(word)) return true;
    if (GOARCH.has(word) || word === 'cgo') return null;
    return false;
  };
  const not = (v: boolean | null) => (v === null ? null : !v);
  const and = (a: boolean | null, b: boolean | null) =>
    a === false || b === false ? false : a === null || b === null ? null : true;
  const or = (a: boolean | null, b: boolean | null) =>
    a === true || b === true ? true : a === null || b === null ? null : false;
  const goBuild = /^\/\/go:build\s+(.+)$/m.exec(header)?.[1];
  if (goBuild !== undefined) {
    const tokens = goBuild.match(/\|\||&&|!|\(|\)|[\w.]+/g) ?? [];
    let i = 0;
    const primary = (): boolean | null => {
      const t = tokens[i++];
      if (t === '!') return not(primary());
      if (t === '(') {
        const v = expr();
        i++;
        return v;
      }
      return t === undefined ? null : atom(t);
    };
    const conj = (): boolean | null => {
      let v = primary();
      while (tokens[i] === '&&') {
        i++;
        v = and(v, primary());
      }
      return v;
    };
    const expr = (): boolean | null => {
      let v = conj();
      while (tokens[i] === '||') {
        i++;
        v = or(v, conj());
      }
      return v;
    };
    return expr();
  }
  // The older form: lines are ANDed, spaces OR, commas AND.
  let result: boolean | null = true;
  for (const m of header.matchAll(/^\/\/\s*\+build\s+(.+)$/gm)) {
    let line: boolean | null = false;
    for (const option of m[1].trim().split(/\s+/)) {
      let term: boolean | null = true;
      for (const part of option.split(','))
        term = and(term, part.startsWith('!') ? not(atom(part.slice(1))) : atom(part));
      line = or(line, term);
    }
    result = and(result, line);
  }
  return result;
}

/** Folders the go tool never builds from a pattern: names beginning with _ or ., and testdata. */
const IGNORED_DIR = /(^|\/)([_.][^/]*|testdata)\//;

/**
 * Static reading only: regular expressions over the text, never a build or an execution. Files a
 * Linux build never compiles (tests, ignored folders, build constraints it does not meet: a
 * magefile, a tools.go, Windows code) say nothing about the binary and are left out.
 */
export function scanGoSources(
  files: Record<string, string>,
  tags: ReadonlySet<string> = new Set(),
): GoSourceFacts {
  const facts: GoSourceFacts = {
    fileCount: 0,
    cgoFiles: [],
    importsTzdata: false,
    usesTimeZones: false,
    usesTls: false,
    usesTempDir: false,
    usesOsUser: false,
    execPrograms: [],
    execDynamic: [],
    sourcePathLibraries: [],
    readsOwnSource: false,
    packages: [],
    truncated: false,
  };
  let total = 0;
  const stackFiles: string[] = [];
  let computedReads = false;
  const byDir = new Map<string, GoPackage>();
  for (const [path, text] of Object.entries(files).sort()) {
    if (!path.endsWith('.go') || path.endsWith('_test.go')) continue;
    if (IGNORED_DIR.test(path) || isCompiled(text, tags) === false) continue;
    if (facts.fileCount >= MAX_FILES || total + text.length > MAX_TOTAL) {
      facts.truncated = true;
      break;
    }
    facts.fileCount++;
    total += text.length;
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '');
    if (/^\s*import\s+"C"/m.test(code) || /^\s*import\s*\([^)]*^\s*"C"\s*$/m.test(code))
      facts.cgoFiles.push(path);
    if (/"time\/tzdata"/.test(code)) facts.importsTzdata = true;
    if (/time\.LoadLocation\s*\(|time\.LoadLocationFromTZData/.test(code))
      facts.usesTimeZones = true;
    if (/"crypto\/tls"|https:\/\/|http\.Get\(|http\.Post\(|http\.Client\{|\.Do\(req/.test(code))
      facts.usesTls = true;
    if (
      /os\.TempDir\(|os\.CreateTemp\(|os\.MkdirTemp\(|ioutil\.TempFile\(|ioutil\.TempDir\(|"\/tmp\//.test(
        code,
      )
    )
      facts.usesTempDir = true;
    if (/"os\/user"/.test(code)) facts.usesOsUser = true;
    for (const m of code.matchAll(/\bexec\.Command(Context)?\s*\(/g)) {
      // The program is the first argument, after the context for CommandContext(r.Context(), ...).
      const args = splitArguments(callArguments(code, m.index! + m[0].length - 1));
      const program = (m[1] ? args[1] : args[0])?.trim();
      if (program === undefined || program === '') continue;
      const literal = /^"([^"]+)"$|^`([^`]+)`$/.exec(program);
      if (literal) {
        facts.execPrograms.push(literal[1] ?? literal[2]);
        continue;
      }
      // The binary re-executing itself needs nothing more.
      if (/^os\.Args\[0\]$|^self$|Executable/.test(program)) continue;
      facts.execDynamic.push(`${path}: exec.Command(${program}, ...)`);
    }
    // exec.LookPath("x"), and libraries that run a program themselves (go/packages runs go list).
    for (const m of code.matchAll(/\bexec\.LookPath\s*\(\s*"([^"]+)"/g))
      facts.execPrograms.push(m[1]);
    for (const [lib, programs] of Object.entries(PROGRAM_LIBRARIES))
      if (code.includes(`"${lib}"`)) facts.execPrograms.push(...programs);
    for (const lib of GO_FACTS.sourcePathLibraries)
      if (code.includes(`"${lib}"`) && !facts.sourcePathLibraries.includes(lib))
        facts.sourcePathLibraries.push(lib);
    // runtime.Caller(0) then filepath.Dir: the folder of the source file, as compiled in.
    if (/\bruntime\.Caller\s*\(/.test(code) && /\b(?:filepath|path)\.Dir\s*\(/.test(code))
      facts.sourcePathLibraries.push(`runtime.Caller in ${path}`);
    if (/\b(?:debug\.Stack|runtime\.Stack|runtime\.Caller)\s*\(/.test(code)) stackFiles.push(path);
    if (COMPUTED_READ.test(code)) computedReads = true;
    const dir = posix.dirname(path);
    let pkg = byDir.get(dir);
    if (!pkg) {
      pkg = {
        dir,
        name: '',
        imports: [],
        literals: [],
        embeds: [],
        writes: [],
        pathFlags: [],
        pathEnv: [],
        listenPorts: [],
        joinParts: [],
        usesGetwd: false,
        computedWrites: [],
      };
      byDir.set(dir, pkg);
    }
    readPackageFile(code, pkg);
  }
  // Source paths from a stack or runtime.Caller, and files opened by computed paths: the app may
  // open its own source (the viewer of a panic page), which must then be there, at those paths.
  if (stackFiles.length > 0 && computedReads) {
    facts.readsOwnSource = true;
    facts.sourcePathLibraries.push(`source paths of ${stackFiles.join(', ')}, opened by path`);
  }
  for (const pkg of byDir.values()) {
    pkg.imports = [...new Set(pkg.imports)].sort();
    pkg.literals = [...new Set(pkg.literals)];
    pkg.listenPorts = [...new Set(pkg.listenPorts)].sort((a, b) => a - b);
  }
  facts.packages = [...byDir.values()];
  facts.execPrograms = [...new Set(facts.execPrograms)].sort();
  return facts;
}

function readPackageFile(code: string, pkg: GoPackage): void {
  pkg.name ||= /^\s*package\s+(\w+)/m.exec(code)?.[1] ?? '';
  for (const m of code.matchAll(/\/\/go:embed\s+(.+)/g))
    pkg.embeds.push(
      ...m[1]
        .trim()
        .split(/\s+/)
        .map((p) => p.replace(/^"|"$/g, '')),
    );
  const body = code.replace(
    /^\s*import\s*\(([\s\S]*?)\)|^\s*import\s+(?:[\w.]+\s+)?"([^"]*)"/gm,
    (_all, block: string | undefined, single: string | undefined) => {
      if (single !== undefined) pkg.imports.push(single);
      for (const m of (block ?? '').matchAll(/"([^"]+)"/g)) pkg.imports.push(m[1]);
      return '';
    },
  );
  for (const m of body.matchAll(/"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g)) {
    const value = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
    // Raw strings with key:"value" pairs are struct tags, not paths.
    if (m[2] !== undefined && /\w+:"/.test(m[2])) continue;
    pkg.literals.push(value);
    const port = /^(?:0\.0\.0\.0)?:(\d{1,5})$/.exec(value);
    if (port) pkg.listenPorts.push(Number(port[1]));
  }
  // filepath.Join("data", "notes.db") names data/notes.db, not a notes.db of its own.
  for (const m of body.matchAll(/\b(?:filepath|path)\.Join\s*\(/g)) {
    const parts = splitArguments(callArguments(body, m.index! + m[0].length - 1));
    const values = parts.map((a) => /^"((?:[^"\\]|\\.)*)"$|^`([^`]*)`$/.exec(a));
    const known = values.findIndex((v) => v === null);
    const literal = (v: RegExpExecArray) => v[1] ?? v[2];
    const prefix = (known < 0 ? values : values.slice(0, known)) as RegExpExecArray[];
    if (prefix.length === 0) continue;
    pkg.joinParts.push(...prefix.map(literal));
    if (prefix.length > 1) pkg.literals.push(posix.join(...prefix.map(literal)));
  }
  for (const [re, kind] of WRITE_CALLS)
    for (const m of body.matchAll(re)) pkg.writes.push({ path: m[1], kind });
  // Library methods that write the file their first argument names (gofpdf, excelize, gg).
  for (const m of body.matchAll(LIBRARY_WRITE)) {
    if (m[2] !== undefined) pkg.writes.push({ path: m[2], kind: 'file' });
    else pkg.computedWrites.push(`${m[1]}(${m[3].trim()})`);
  }
  // A write whose path is not a literal (read from a config file, joined at run time): where it
  // lands cannot be known, only that the program writes somewhere.
  for (const m of body.matchAll(
    /\b(os\.(?:Create|WriteFile|Mkdir|MkdirAll)|ioutil\.WriteFile)\s*\(\s*([^"`\s)][^,)\n]*)/g,
  ))
    if (!/^(os\.TempDir|os\.MkdirTemp|os\.CreateTemp)/.test(m[2]))
      pkg.computedWrites.push(`${m[1]}(${m[2].trim()}, ...)`);
  for (const m of body.matchAll(
    /\bos\.OpenFile\s*\(\s*([^"`\s)][^,)\n]*),[^)\n]*\bO_(?:WRONLY|RDWR|CREATE|APPEND)\b/g,
  ))
    pkg.computedWrites.push(`os.OpenFile(${m[1].trim()}, ...)`);
  for (const m of body.matchAll(
    /\bflag\.String(?:Var)?\s*\(\s*(?:&[\w.]+\s*,\s*)?"([^"]+)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"/g,
  )) {
    if (m[2] === '' && (namesPath(m[1]) || /\b(path|file|directory|folder)\b/i.test(m[3])))
      pkg.pathFlags.push(m[1]);
  }
  for (const m of body.matchAll(/\bos\.(?:Getenv|LookupEnv)\s*\(\s*"([A-Za-z0-9_]+)"/g))
    if (namesPath(m[1])) pkg.pathEnv.push(m[1]);
  // viper looks for <name>.<ext> in each config path; godotenv.Load() reads ./.env.
  const names = [...body.matchAll(/\.SetConfigName\s*\(\s*"([^"]+)"/g)].map((m) => m[1]);
  const dirs = [...body.matchAll(/\.AddConfigPath\s*\(\s*"([^"]+)"/g)].map((m) => m[1]);
  for (const n of names)
    for (const d of dirs.length > 0 ? dirs : ['.'])
      for (const ext of ['json', 'yaml', 'yml', 'toml', 'env', 'hcl', 'ini', 'properties'])
        pkg.literals.push(posix.join(d, `${n}.${ext}`));
  if (/\bgodotenv\.(?:Load|Overload)\s*\(\s*\)/.test(body)) pkg.literals.push('.env');
  // Importing godotenv/autoload loads ./.env at start, with no call in the code.
  if (pkg.imports.some((i) => /\/godotenv\/autoload$/.test(i))) pkg.literals.push('.env');
  if (/\bos\.Getwd\s*\(\s*\)/.test(body)) pkg.usesGetwd = true;
}

export interface GoMod {
  module: string | null;
  go: string | null;
  toolchain: string | null;
  requires: string[];
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { module: null, go: null, toolchain: null, requires: [] };
  const stripped = text.replace(/\/\/.*$/gm, '');
  mod.module = /^\s*module\s+"?([^\s"]+)"?/m.exec(stripped)?.[1] ?? null;
  mod.go = /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(stripped)?.[1] ?? null;
  mod.toolchain = /^\s*toolchain\s+(\S+)/m.exec(stripped)?.[1] ?? null;
  for (const block of stripped.matchAll(/^\s*require\s*\(([\s\S]*?)\)/gm)) {
    for (const line of block[1].split('\n')) {
      const m = /^\s*(\S+)\s+v\S+/.exec(line);
      if (m) mod.requires.push(m[1]);
    }
  }
  for (const m of stripped.matchAll(/^\s*require\s+([^\s(]+)\s+v\S+/gm)) mod.requires.push(m[1]);
  return mod;
}

export function cgoRequirements(mod: GoMod | null): string[] {
  if (!mod) return [];
  const known = new Set(GO_FACTS.cgoModules);
  return mod.requires.filter((r) => known.has(r) || [...known].some((k) => r.startsWith(k + '/')));
}

export interface CgoDependency {
  module: string;
  effect: 'fails-build' | 'stub-at-runtime' | 'degraded';
  /** Where it was found: `go.sum`, `vendor/modules.txt`. */
  where: string;
}

const CGO_DEPENDENCIES = GO_FACTS.cgoDependencies.modules as Array<{
  prefix: string;
  effect: CgoDependency['effect'];
}>;

/**
 * Modules, direct or indirect, whose code behaves differently without cgo: those go.sum holds the
 * source of (a line ending in /go.mod is a module never built) and those vendor/modules.txt
 * lists, matched against the table in templates/facts/go.json.
 */
export function cgoDependencies(
  goSum: string | undefined,
  modulesTxt: string | undefined,
): CgoDependency[] {
  const found = new Map<string, CgoDependency>();
  const consider = (path: string, where: string) => {
    const entry = CGO_DEPENDENCIES.find(
      (c) =>
        path === c.prefix || path.startsWith(c.prefix + '/') || c.prefix.startsWith(path + '/'),
    );
    if (entry && !found.has(path)) found.set(path, { module: path, effect: entry.effect, where });
  };
  for (const line of (goSum ?? '').split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+h1:/.exec(line);
    if (m && !m[2].endsWith('/go.mod')) consider(m[1], 'go.sum');
  }
  for (const line of (modulesTxt ?? '').split('\n')) {
    const m = /^#\s+(\S+)\s+v\S+/.exec(line) ?? /^([a-z0-9][^\s#]*\.[^\s#]*\/\S+)$/.exec(line);
    if (m) consider(m[1], 'vendor/modules.txt');
  }
  return [...found.values()];
}
