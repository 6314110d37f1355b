import posix from 'path/posix';
import { roughWords } from '../dockerfile/shell-words';

export type GoSubcommand =
  'build' | 'install' | 'run' | 'get' | 'mod' | 'generate' | 'test' | 'vet' | 'other';

/** One `go ...` invocation inside a RUN (or CMD), with what matters for the rewrite. */
export interface GoCommand {
  subcommand: GoSubcommand;
  /** VAR=value words before `go` (`CGO_ENABLED=0 GOOS=linux`). */
  env: Record<string, string>;
  output: string | null;
  ldflags: string | null;
  tags: string[];
  trimpath: boolean;
  /** Flags that need cgo (-race, -msan, -asan) or change linking (-buildmode, -linkshared). */
  cgoFlags: string[];
  buildmode: string | null;
  /** Flags other than the ones above (kept as they are, named in reasons). */
  otherFlags: string[];
  packages: string[];
  /** Arguments after the packages (for `go run`: the program's own arguments). */
  programArgs: string[];
  /** The working directory the command runs in (WORKDIR, changed by `cd` earlier in the RUN). */
  cwd: string;
  /** Written as `go-wrapper install` rather than `go install`. */
  viaWrapper: boolean;
}

const VALUE_FLAGS = new Set([
  '-o',
  '-ldflags',
  '-tags',
  '-gcflags',
  '-asmflags',
  '-mod',
  '-p',
  '-buildmode',
  '-installsuffix',
  '-modfile',
  '-overlay',
  '-pgo',
  '-pkgdir',
  '-toolexec',
  '-compiler',
  '-gccgoflags',
  '-covermode',
  '-coverpkg',
  '-exec',
  '-run',
  '-count',
  '-timeout',
]);

/** Parses every `go` command of a RUN's simple commands, following `cd` between them. */
export function parseGoCommands(commands: string[], workdir: string): GoCommand[] {
  const found: GoCommand[] = [];
  let cwd = workdir;
  for (const command of commands) {
    const words = roughWords(command);
    if (words[0] === 'cd' && words[1]) {
      cwd = posix.resolve(cwd, words[1]);
      continue;
    }
    const parsed = parseGoWords(words, cwd);
    if (parsed) found.push(parsed);
  }
  return found;
}

export function parseGoWords(words: string[], cwd: string): GoCommand | null {
  const env: Record<string, string> = {};
  let i = 0;
  if (words[i] === 'env') i++;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) {
    const eq = words[i].indexOf('=');
    env[words[i].slice(0, eq)] = words[i].slice(eq + 1);
    i++;
  }
  // go-wrapper (the retired golang:onbuild helper) runs `go install -v` in the current folder.
  const wrapper = words[i] === 'go-wrapper';
  if (!wrapper && words[i] !== 'go' && !/\/go$/.test(words[i] ?? '')) return null;
  const sub = wrapper ? (words[i + 1] === 'install' ? 'install' : 'other') : (words[i + 1] ?? '');
  const subcommand: GoSubcommand =
    (['build', 'install', 'run', 'get', 'mod', 'generate', 'test', 'vet'] as const).find(
      (s) => s === sub,
    ) ?? 'other';
  const cmd: GoCommand = {
    subcommand,
    env,
    output: null,
    ldflags: null,
    tags: [],
    trimpath: false,
    cgoFlags: [],
    buildmode: null,
    otherFlags: [],
    packages: [],
    programArgs: [],
    cwd,
    viaWrapper: wrapper,
  };
  const rest = words.slice(i + 2);
  for (let j = 0; j < rest.length; j++) {
    const w = rest[j];
    if (cmd.packages.length > 0 && subcommand === 'run') {
      cmd.programArgs.push(...rest.slice(j));
      break;
    }
    if (!w.startsWith('-') || w === '-') {
      cmd.packages.push(w);
      continue;
    }
    const flag = w.replace(/^--/, '-');
    const eq = flag.indexOf('=');
    const name = eq >= 0 ? flag.slice(0, eq) : flag;
    let value: string | null = eq >= 0 ? flag.slice(eq + 1) : null;
    if (value === null && VALUE_FLAGS.has(name)) value = rest[++j] ?? '';
    switch (name) {
      case '-o':
        cmd.output = value;
        break;
      case '-ldflags':
        cmd.ldflags = value;
        break;
      case '-tags':
        cmd.tags = (value ?? '').split(/[,\s]+/).filter(Boolean);
        break;
      case '-trimpath':
        cmd.trimpath = value !== 'false';
        break;
      case '-race':
      case '-msan':
      case '-asan':
      case '-linkshared':
        cmd.cgoFlags.push(name);
        break;
      case '-buildmode':
        cmd.buildmode = value;
        break;
      default:
        cmd.otherFlags.push(value === null ? name : `${name}=${value}`);
    }
  }
  return cmd;
}

/** The executable name Go gives a main package (cmd/go's DefaultExecName): its last element, without a /vN suffix. */
export function defaultExecName(importPath: string): string {
  const parts = importPath.replace(/\/+$/, '').split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  return last;
}

export interface BinaryLocation {
  path: string;
  /** Set when the location cannot be known exactly; the reason. */
  unknown?: string;
}

/**
 * Where a `go build` or `go install` puts its binary, from the command alone and the module path
 * (null in GOPATH mode). Returns `unknown` rather than guessing.
 */
export function binaryLocation(
  cmd: GoCommand,
  modulePath: string | null,
  gopath: string,
): BinaryLocation {
  const pkgs = cmd.packages.length > 0 ? cmd.packages : ['.'];
  if (pkgs.length > 1 && !pkgs.every((p) => p.endsWith('.go'))) {
    return {
      path: '',
      unknown: `go ${cmd.subcommand} builds several packages (${pkgs.join(' ')})`,
    };
  }
  const pkg = pkgs[0];
  // -o a file with ./... builds the one main package under it (go refuses it when there are several).
  if (pkg.includes('...') && cmd.subcommand === 'build' && cmd.output && !cmd.output.endsWith('/'))
    return cmd.output.includes('$')
      ? { path: '', unknown: `the output path ${cmd.output} uses a variable` }
      : { path: posix.resolve(cmd.cwd, cmd.output) };
  if (pkg.includes('...'))
    return { path: '', unknown: `go ${cmd.subcommand} ${pkg} builds every main package under it` };
  let name: string;
  if (pkg.endsWith('.go')) name = posix.basename(pkg, '.go');
  else if (pkg === '.' || pkg === './') {
    name = modulePath ? defaultExecName(modulePath) : posix.basename(cmd.cwd);
  } else if (pkg.startsWith('./') || pkg.startsWith('../'))
    name = defaultExecName(posix.resolve(cmd.cwd, pkg));
  else name = defaultExecName(pkg.replace(/@.*$/, ''));
  if (cmd.subcommand === 'install') {
    const bin = cmd.env.GOBIN ?? posix.join(gopath, 'bin');
    return { path: posix.join(bin, name) };
  }
  if (cmd.output === null) return { path: posix.join(cmd.cwd, name) };
  if (cmd.output.includes('$'))
    return { path: '', unknown: `the output path ${cmd.output} uses a variable` };
  const out = posix.resolve(cmd.cwd, cmd.output);
  return { path: cmd.output.endsWith('/') ? posix.join(out, name) : out };
}
