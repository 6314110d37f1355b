import posix from 'path/posix';
import { DockerizeError } from '../errors';
import { expandVariables, ImageRef } from '../dockerfile/image-ref';
import { Instruction } from 'dockerfile-ast';
import { execFormOf, logicalArguments } from '../dockerfile/parse';
import { splitShellWords } from '../dockerfile/shell-words';
import type { BuildContext } from '../types';
import { effectiveCommand, startLine } from '../dockerfile/command';
import {
  binaryLocation,
  defaultExecName,
  GoCommand,
  parseGoCommands,
  parseGoWords,
} from './commands';
import {
  cgoDependencies,
  cgoRequirements,
  GoMod,
  GoSourceFacts,
  parseGoMod,
  scanGoSources,
} from './sources';
import { VENDOR_MODULES } from '../context';
import { commandCwds, RunStep, StageFacts } from '../dockerfile/stage';
import { contextHas, contextPathOf } from '../dockerfile/copies';
import { BuildProblem } from '../common/buildability';
import { keptOsPackages } from '../common/os-packages';
import { goBuildProblems } from './buildability';
import type { BuilderProfile } from '../common/builder-image';
import { BUILDERS } from '../templates';

const DISTRO_GO = BUILDERS.distroGo;

export interface GolangBase {
  tag: string;
  version: string | null;
  variant: string | null;
  libc: 'glibc' | 'musl';
  /** cgo is on by default when the image has a C compiler (Debian variants). */
  cgoDefault: boolean;
  isOnbuild: boolean;
}

export interface GoBuildStep {
  run: RunStep;
  cmd: GoCommand;
  binary: string;
}

export interface GoStart {
  /** The command words with the binary's path made absolute, split as the original split them. */
  entrypoint: string[] | null;
  cmd: string[] | null;
  binary: string;
  /** A `go run` CMD turned into a build: the package and flags to build. */
  fromGoRun?: GoCommand;
  /** The step that makes the binary when it is one of several (`go install ./...`). */
  producedBy?: GoBuildStep;
}

export interface GoFacts {
  stage: StageFacts;
  base: GolangBase;
  mod: GoMod | null;
  sources: GoSourceFacts;
  builds: GoBuildStep[];
  /** Why cgo is needed (empty: pure Go). */
  cgoReasons: string[];
  /**
   * The started binary is linked statically (-ldflags '-extldflags "-static"'): with cgo it
   * still loads no libc, so it runs on a static image whatever libc built it.
   */
  staticLink: boolean;
  cgoExplicitlyOff: boolean;
  runtimeOsPackages: string[];
  /** The build context listing (for files the code reads or writes). */
  contextPaths: readonly string[];
  /** The whole build context: listing, the files read, sizes and links (for the runtime folder). */
  context: BuildContext;
  /** The folder of go.mod in the context ('.' for its root). */
  modDir: string;
  /** Packages `go get` fetches in GOPATH mode at whatever their default branch holds that day. */
  unpinnedGets: string[];
  /** Why the original's Go build fails for certain with its own toolchain. */
  buildProblems: BuildProblem[];
  /** The builder image's WORKDIR, where the app runs when the Dockerfile sets none. */
  defaultWorkdir: string;
  /** Go came from the distribution's packages (ubuntu's golang-go). */
  fromDistro: boolean;
  start:
    | GoStart
    | {
        skip: string;
        rule:
          'go/start-command' | 'go/toolchain-at-runtime' | 'go/binary-path' | 'go/dev-server-start';
      };
}

/**
 * What `go get` fetches outside a module: the packages it names, or for a local pattern (./...)
 * the code's imports from other hosts, each at its default branch, with nothing to pin it.
 */
function unpinnedGets(
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  sources: GoSourceFacts,
): string[] {
  const out = new Set<string>();
  for (const { cmd } of commands) {
    if (cmd.subcommand !== 'get') continue;
    for (const p of cmd.packages.length > 0 ? cmd.packages : ['.']) {
      if (p.includes('@')) continue;
      if (p.startsWith('.') || p.startsWith('/')) {
        for (const pkg of sources.packages)
          for (const i of pkg.imports) if (i.split('/')[0].includes('.')) out.add(i);
      } else if (p.split('/')[0].includes('.')) out.add(p);
    }
  }
  return [...out].sort();
}

/**
 * A built binary put in place afterwards (`cp app /usr/local/bin/`, `mv main /app/server`,
 * `install -m 755 app /usr/bin/app`): the same build, under the path the program is started by.
 */
function movedBinaries(run: RunStep, builds: readonly GoBuildStep[]): GoBuildStep[] {
  const out: GoBuildStep[] = [];
  const cwds = commandCwds(run);
  run.commands.forEach((command, i) => {
    const words = command.trim().split(/\s+/);
    if (!/^(cp|mv|install|ln)$/.test(words[0] ?? '')) return;
    const operands = words
      .slice(1)
      .filter((w, j, all) => !w.startsWith('-') && !/^-m$/.test(all[j - 1] ?? ''));
    if (operands.length !== 2) return;
    const [from, to] = operands.map((o) => posix.resolve(cwds[i], o));
    for (const b of [...builds, ...out]) {
      if (b.binary !== from) continue;
      const dest = words[1 + words.slice(1).indexOf(operands[1])].endsWith('/')
        ? posix.join(to, posix.basename(from))
        : to;
      out.push({ ...b, binary: dest });
    }
  });
  return out;
}

const CGO_EFFECT = {
  'fails-build': 'the build fails',
  'stub-at-runtime': 'a stub that fails at run time',
  degraded: 'a feature is silently off',
};

const BUILD_ONLY_OS = new Set([
  'gcc',
  'g++',
  'musl-dev',
  'libc-dev',
  'libc6-dev',
  'build-base',
  'build-essential',
  'git',
  'make',
  'ca-certificates',
  'tzdata',
  'upx',
  'pkgconfig',
  'pkg-config',
  'bash',
  'curl',
  'wget',
  'openssh-client',
  'binutils',
  'gcc-multilib',
]);

/** Build tools and the Go toolchain itself (golang-go from the distribution) stay in the builder. */
function isBuildOnlyOsPackage(name: string): boolean {
  return (
    BUILD_ONLY_OS.has(name) ||
    DISTRO_GO.packages.includes(name) ||
    new RegExp(DISTRO_GO.versionedPackage).test(name)
  );
}

/** Whether `go get` still installs commands (Go 1.17 and older); unknown versions are not assumed to. */
function getInstalls(base: GolangBase): boolean {
  const m = base.version ? /^1\.(\d+)/.exec(base.version) : null;
  return m !== null && Number(m[1]) < 18;
}

/**
 * The go.mod the build uses: the context root's, else one below it in the folder the Dockerfile
 * builds in (COPY backend/ . with backend/go.mod).
 */
function locateGoMod(
  stage: StageFacts,
  context: BuildContext,
): { dir: string; text: string } | null {
  if (context.files['go.mod'] !== undefined) return { dir: '.', text: context.files['go.mod'] };
  const folders = new Set([stage.workdir ?? '', ...stage.runs.map((r) => r.workdir)]);
  for (const folder of folders) {
    if (folder === '') continue;
    const ctx = contextPathOf(stage, context.paths, folder);
    if (ctx === null || ctx === '') continue;
    const text = context.files[`${ctx}/go.mod`];
    if (text !== undefined) return { dir: ctx, text };
  }
  return null;
}

export function analyzeGolangBase(ref: ImageRef): GolangBase {
  const tag = ref.tag ?? 'latest';
  const m = /^(\d+(?:\.\d+){0,2}|tip-\d+)?(?:-?(.*))?$/.exec(tag);
  const version = m?.[1] && !m[1].startsWith('tip') ? m[1] : null;
  const variant = m?.[2] ? m[2] : null;
  const libc = /alpine/.test(tag) ? 'musl' : 'glibc';
  return {
    tag,
    version,
    variant,
    libc,
    cgoDefault: libc === 'glibc',
    isOnbuild: /onbuild/.test(tag),
  };
}

export function analyzeGo(
  stage: StageFacts,
  context: BuildContext,
  builder: BuilderProfile,
): GoFacts {
  // Go from the distribution: its version is the distribution's, and gcc comes with it.
  const base: GolangBase = builder.fromDistro
    ? { tag: '', version: null, variant: null, libc: 'glibc', cgoDefault: true, isOnbuild: false }
    : analyzeGolangBase(stage.baseImage as ImageRef);
  let mod: GoMod | null = null;
  const located = locateGoMod(stage, context);
  const modDir = located?.dir ?? '.';
  const modText = located?.text;
  if (modText !== undefined) {
    mod = parseGoMod(modText);
    if (mod.module === null)
      throw new DockerizeError('E_CONTEXT', 'go.mod does not parse: it has no module line');
  }
  // Tags the builds set (-tags netgo,mage, or in GOFLAGS): files that need them are compiled.
  const tags = new Set(
    [...stage.runs.map((r) => r.text), stage.envValues.GOFLAGS ?? ''].flatMap((t) =>
      [...t.matchAll(/-tags[= ]['"]?([\w.,]+)/g)].flatMap((m) => m[1].split(',')),
    ),
  );
  const sources = scanGoSources(context.files, tags);
  const gopath = stage.envValues.GOPATH ?? builder.gopath;
  const builds: GoBuildStep[] = [];
  const commands: Array<{ run: RunStep; cmd: GoCommand }> = [];
  const runtimeOsPackages: string[] = [];
  let cgoExplicitlyOff = /^0$/.test(stage.envValues.CGO_ENABLED ?? '');
  let cgoExplicitlyOn = /^1$/.test(stage.envValues.CGO_ENABLED ?? '');
  for (const p of keptOsPackages(stage.runs))
    if (!isBuildOnlyOsPackage(p)) runtimeOsPackages.push(p);
  for (const run of stage.runs) {
    for (const cmd of parseGoCommands(run.commands, run.workdir)) {
      commands.push({ run, cmd });
      if (cmd.env.CGO_ENABLED === '0') cgoExplicitlyOff = true;
      if (cmd.env.CGO_ENABLED === '1') cgoExplicitlyOn = true;
      if (cmd.subcommand === 'build' || cmd.subcommand === 'install') {
        // -o ${APP_HOME}/app: the variables the stage has set by then name the path.
        const output =
          cmd.output?.includes('$') === true
            ? (expandVariables(cmd.output, {
                ...builder.env,
                ...stage.globalArgs,
                ...stage.envValues,
              }) ?? cmd.output)
            : cmd.output;
        const loc = binaryLocation({ ...cmd, output }, mod?.module ?? null, gopath);
        builds.push({ run, cmd, binary: loc.unknown ? `?${loc.unknown}` : loc.path });
      } else if (cmd.subcommand === 'get' && getInstalls(base) && cmd.packages.length === 1) {
        // Before Go 1.18, go get also built and installed the package's command into GOPATH/bin.
        const loc = binaryLocation({ ...cmd, subcommand: 'install' }, null, gopath);
        if (!loc.unknown) builds.push({ run, cmd, binary: loc.path });
      }
    }
    builds.push(...movedBinaries(run, builds));
  }
  const start = resolveGoStart(
    stage,
    builds,
    mod,
    gopath,
    mainPackageDirs(context.files),
    builder.workdir,
    context.paths,
  );
  const cgoReasons: string[] = [];
  if (sources.cgoFiles.length > 0)
    cgoReasons.push(`import "C" in ${sources.cgoFiles.slice(0, 3).join(', ')}`);
  const cgoModules = cgoRequirements(mod);
  if (cgoModules.length > 0)
    cgoReasons.push(`go.mod requires ${cgoModules.join(', ')}, which needs cgo`);
  // The original built with cgo on (gcc in the image, CGO_ENABLED not 0): a dependency that needs
  // it, direct or not, got its cgo code, which CGO_ENABLED=0 would silently swap for a stub.
  if (cgoModules.length === 0 && base.cgoDefault && !cgoExplicitlyOff) {
    const deps = cgoDependencies(
      context.files[posix.join(modDir, 'go.sum')],
      context.files[posix.join(modDir, VENDOR_MODULES)],
    );
    if (deps.length > 0)
      cgoReasons.push(
        `${deps.map((d) => `${d.module} (${d.where})`).join(', ')} ${deps.length === 1 ? 'has' : 'have'} cgo code (${[...new Set(deps.map((d) => CGO_EFFECT[d.effect]))].join('; ')} without it), and the original built with cgo on (${base.tag || 'the image'} has gcc)`,
      );
  }
  if (cgoExplicitlyOn) cgoReasons.push('the build sets CGO_ENABLED=1');
  const cgoFlags = builds.flatMap((b) => b.cmd.cgoFlags);
  if (cgoFlags.length > 0) cgoReasons.push(`the build uses ${[...new Set(cgoFlags)].join(', ')}`);
  return {
    stage,
    base,
    mod,
    sources,
    builds,
    cgoReasons,
    staticLink: staticallyLinked(start, builds),
    cgoExplicitlyOff,
    runtimeOsPackages,
    contextPaths: context.paths,
    context,
    modDir,
    buildProblems: goBuildProblems(
      stage,
      base.version,
      base.tag,
      mod,
      commands,
      context,
      sources,
      'fromGoRun' in start && start.fromGoRun
        ? { cmd: { ...start.fromGoRun, subcommand: 'run' }, line: startLine(stage) ?? 1 }
        : null,
    ),
    unpinnedGets: mod === null ? unpinnedGets(commands, sources) : [],
    defaultWorkdir: builder.workdir,
    fromDistro: builder.fromDistro,
    start,
  };
}

function resolveGoStart(
  stage: StageFacts,
  builds: GoBuildStep[],
  mod: GoMod | null,
  gopath: string,
  mainDirs: string[],
  defaultWorkdir: string,
  contextPaths: readonly string[],
): GoFacts['start'] {
  const { doc } = stage;
  const command = effectiveCommand(stage);
  if (command === null)
    return { skip: 'the stage has no CMD or ENTRYPOINT', rule: 'go/start-command' };
  let words: string[];
  if (Array.isArray(command)) {
    words = command;
  } else {
    const split = splitShellWords(command.shell);
    if (!split.plain)
      return {
        skip: `the start command ${split.reason}, which needs a shell the final image does not have`,
        rule: 'go/start-command',
      };
    words = split.words;
  }
  const workdir = stage.workdir ?? defaultWorkdir;
  const program = words[0];
  if (program === 'go-wrapper' && words[1] === 'run') {
    // go-wrapper run execs $GOPATH/bin/<folder name> with the remaining arguments.
    const installed = builds.find((b) => b.cmd.viaWrapper && !b.binary.startsWith('?'));
    if (installed)
      return {
        entrypoint: null,
        cmd: [installed.binary, ...words.slice(2)],
        binary: installed.binary,
      };
  }
  if (program === 'go' || program === 'go-wrapper') {
    const run = program === 'go' ? parseGoWords(words, workdir) : null;
    if (run && run.subcommand === 'run') {
      const reproducible =
        run.otherFlags.length === 0 && run.cgoFlags.length === 0 && run.packages.length > 0;
      if (!reproducible) {
        return {
          skip: `go run ${[...run.otherFlags, ...run.cgoFlags].join(' ') || '(no package)'} cannot be reproduced as a plain build`,
          rule: 'go/toolchain-at-runtime',
        };
      }
      const build: GoCommand = { ...run, subcommand: 'build', output: '/usr/local/bin/' };
      const loc = binaryLocation(build, mod?.module ?? null, gopath);
      if (loc.unknown) return { skip: `go run: ${loc.unknown}`, rule: 'go/toolchain-at-runtime' };
      return {
        entrypoint: null,
        cmd: [loc.path, ...run.programArgs],
        binary: loc.path,
        fromGoRun: { ...build, output: loc.path },
      };
    }
    return {
      skip: `${words.slice(0, 2).join(' ')} needs the Go toolchain at runtime`,
      rule: 'go/toolchain-at-runtime',
    };
  }
  if (/^(air|reflex|CompileDaemon|gow|fresh|realize|gin)$/.test(posix.basename(program))) {
    return {
      skip: `a development container: ${program} rebuilds and restarts the app when its sources change`,
      rule: 'go/dev-server-start',
    };
  }
  if (/^(gotestsum|dlv)$/.test(posix.basename(program))) {
    return {
      skip: `${program} needs the Go toolchain or sources at runtime`,
      rule: 'go/toolchain-at-runtime',
    };
  }
  const known = builds.filter((b) => !b.binary.startsWith('?'));
  let binary: string | null = null;
  if (program.includes('/')) {
    const abs = posix.resolve(workdir, program);
    binary = known.find((b) => b.binary === abs)?.binary ?? null;
  } else {
    binary =
      known.find(
        (b) =>
          posix.dirname(b.binary) === posix.join(gopath, 'bin') &&
          posix.basename(b.binary) === program,
      )?.binary ?? null;
    binary ??=
      known.find(
        (b) =>
          ['/usr/local/bin', '/usr/bin', '/bin'].includes(posix.dirname(b.binary)) &&
          posix.basename(b.binary) === program,
      )?.binary ?? null;
  }
  const fromPattern =
    binary === null ? installedFromPattern(stage, builds, mainDirs, mod, gopath, program) : null;
  binary ??= fromPattern?.binary ?? null;
  // A path the start names that a step this cannot read makes (make build, a script), and no COPY
  // brings from the build context: the original runs it from there, so it is there in the builder.
  if (binary === null && program.includes('/') && !/\.(sh|bash|py|rb|pl)$/.test(program)) {
    const abs = posix.resolve(workdir, program);
    const fromContext = contextPathOf(stage, contextPaths, abs);
    if (fromContext === null || contextHas(contextPaths, fromContext) === null) binary = abs;
  }
  if (binary === null) {
    const unknown = builds.find((b) => b.binary.startsWith('?'));
    const why = unknown
      ? `; ${unknown.binary.slice(1)}`
      : builds.length === 0
        ? '; the stage has no go build or go install'
        : '';
    return {
      skip: `CMD runs ${program}, and the binary's exact path in the builder is not known${why}`,
      rule: 'go/binary-path',
    };
  }
  const absolute = (ws: string[] | null) =>
    ws && ws.length > 0 && ws[0] === program ? [binary as string, ...ws.slice(1)] : ws;
  const entryExec = stage.entrypoint ? instructionWords(doc, stage.entrypoint) : null;
  const producedBy = fromPattern ? { producedBy: fromPattern.step } : {};
  if (entryExec && entryExec.length > 0) {
    const cmdExec = stage.cmd ? instructionWords(doc, stage.cmd) : null;
    return { entrypoint: absolute(entryExec), cmd: cmdExec, binary, ...producedBy };
  }
  return { entrypoint: null, cmd: absolute(words), binary, ...producedBy };
}

/** Whether the build of the started binary links it statically (`-extldflags "-static"`). */
function staticallyLinked(start: GoFacts['start'], builds: GoBuildStep[]): boolean {
  if ('skip' in start) return false;
  const build = builds.find((b) => b.binary === start.binary) ?? start.producedBy;
  return /-extldflags[= ]+['"]?[^'"]*?-static\b/.test(build?.cmd.ldflags ?? '');
}

/** An instruction's words: exec form as is, shell form only when it is a plain command. */
function instructionWords(doc: StageFacts['doc'], ins: Instruction): string[] | null {
  const exec = execFormOf(doc, ins);
  if (exec) return exec;
  const split = splitShellWords(logicalArguments(doc, ins));
  return split.plain ? split.words : null;
}

/** Folders (relative to the context, "." for its root) holding a main package. */
function mainPackageDirs(files: Record<string, string>): string[] {
  const dirs = new Set<string>();
  for (const [p, text] of Object.entries(files)) {
    if (p.endsWith('.go') && !p.endsWith('_test.go') && /^package main\b/m.test(text))
      dirs.add(posix.dirname(p));
  }
  return [...dirs].sort();
}

/**
 * `go install ./...` installs one binary per main package under the pattern: when the context
 * was copied whole into the folder it runs in, the sources say which names it installs, and the
 * one CMD runs is then known exactly.
 */
function installedFromPattern(
  stage: StageFacts,
  builds: GoBuildStep[],
  mainDirs: string[],
  mod: GoMod | null,
  gopath: string,
  program: string,
): { binary: string; step: GoBuildStep } | null {
  if (program.includes('/')) return null;
  for (const b of builds) {
    const pattern = b.cmd.packages[0] ?? '';
    if (
      b.cmd.subcommand !== 'install' ||
      b.cmd.packages.length !== 1 ||
      !/^\.\/(.*\/)?\.\.\.$/.test(pattern)
    )
      continue;
    const copiedHere = stage.copies.some(
      (c) =>
        c.fromStage === null && c.sources.includes('.') && c.dest.replace(/\/$/, '') === b.cmd.cwd,
    );
    if (!copiedHere) continue;
    const prefix = pattern.replace(/^\.\//, '').replace(/\/?\.\.\.$/, '');
    const under = mainDirs.filter(
      (d) => prefix === '' || d === prefix || d.startsWith(prefix + '/'),
    );
    const nameOf = (d: string) =>
      mod?.module
        ? defaultExecName(d === '.' ? mod.module : `${mod.module}/${d}`)
        : posix.basename(d === '.' ? b.cmd.cwd : d);
    const matches = under.filter((d) => nameOf(d) === program);
    if (matches.length === 1)
      return { binary: posix.join(b.cmd.env.GOBIN ?? posix.join(gopath, 'bin'), program), step: b };
  }
  return null;
}
