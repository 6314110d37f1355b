import { parseGitIgnore } from '../build-context/gitignore';
import posix from 'path/posix';
import { copySourceMatches } from '../build-context/path-pattern';
import type { BuildContext, Note } from '../types';
import { BuildProblem, lineOf } from '../common/buildability';
import { GoCommand } from './commands';
import { GoMod, GoSourceFacts } from './sources';
import { GO_FACTS } from '../templates';
import { contextHas, contextPathOf, imagePathOf, mayBeCopied } from '../dockerfile/copies';
import { effectiveCommand } from '../dockerfile/command';
import { parseDockerIgnore } from '../build-context/dockerignore';
import { RunStep, StageFacts } from '../dockerfile/stage';

const STANDARD_ROOTS = new Set(GO_FACTS.standardLibraryRoots);

export interface GoVersion {
  minor: number;
  patch: number | null;
}

/** `1.21.3` -> {21, 3}; `1.22` -> {22, null}; anything else (floating tags) -> null. */
export function parseGoVersion(text: string | null): GoVersion | null {
  const m = text ? /^1\.(\d+)(?:\.(\d+))?$/.exec(text) : null;
  return m ? { minor: Number(m[1]), patch: m[2] === undefined ? null : Number(m[2]) } : null;
}

/** What the builder image says about its Go: the tag, its version words, and the minor it has today. */
export interface GoImage {
  tag: string;
  version: string | null;
  /** Null when the tag does not tell (a distribution's Go, a retired image name, a variable). */
  minor: number | null;
}

/** How a reason names the image's Go: `Go 1.21`, `golang:1-stretch (Go 1.18)`. */
function goOf(stage: StageFacts, image: GoImage): string {
  const name = stage.baseImage?.raw ?? 'the image';
  if (image.minor === null) return `the Go of ${name}`;
  return image.version !== null && /^1\.\d+/.test(image.version)
    ? `Go ${image.version}`
    : `${name} (Go 1.${image.minor})`;
}

/**
 * Go builds that fail for certain with the image's toolchain: package-mode builds without a
 * go.mod where the toolchain is in module mode (1.16 and later unless GO111MODULE says otherwise),
 * `go get` outside a module (1.18 and later), and a go.mod asking for a newer Go than the image
 * has while GOTOOLCHAIN=local (the golang images' setting since 1.21) forbids switching. Where
 * the image's Go is not known and the answer hangs on it, a warning says so (`warnings`).
 */
export function goBuildProblems(
  stage: StageFacts,
  image: GoImage,
  mod: GoMod | null,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  context: BuildContext,
  sources: GoSourceFacts,
  startRun: { cmd: GoCommand; line: number } | null = null,
  warnings: Note[] = [],
): BuildProblem[] {
  const problems: BuildProblem[] = [
    ...sourceProblems(stage, commands, context, sources, mod),
    ...missingInputs(stage, commands, context, sources, mod),
    ...missingRunFile(stage, startRun, context),
    ...importProblems(stage, commands, startRun, context, sources),
    ...getWithoutInstall(stage, image, commands),
  ];
  // A failure at start comes after every build step: a build step that fails is still looked for.
  if (problems.some((p) => !p.atStart)) return problems;
  const minor = image.minor;
  const moduleModeByDefault = minor !== null && minor >= 16;
  const contextKnown = !context.truncated && context.paths.length > 0;
  // A go.mod inside vendor/ or node_modules/ (not listed) cannot be a build's module root.
  const hasGoMod =
    !contextKnown || context.paths.some((p) => p === 'go.mod' || p.endsWith('/go.mod'));
  let modInit = false;
  for (const { run, cmd } of commands) {
    if (cmd.subcommand === 'mod' && cmd.packages[0] === 'init') modInit = true;
    if (modInit) continue;
    const setting = cmd.env.GO111MODULE ?? stage.envValues.GO111MODULE ?? '';
    if (setting !== '' && setting !== 'on') continue;
    const line = lineOf(run.ins);
    // go get needs a go.mod where it runs, in the image at that step: one the context holds but
    // a COPY brings only later, or into another folder, does not count.
    if (cmd.subcommand === 'get' && contextKnown && !goModInImage(stage, context, run, cmd.cwd)) {
      if (minor !== null && minor >= 18) {
        problems.push({
          rule: 'go/get-outside-module',
          reason: `go get runs in ${cmd.cwd}, where the image has no go.mod at that step (${hasGoMod ? 'the go.mod of the build context is not copied there before it' : 'the build context has none'}); ${goOf(stage, image)} is in module mode and stops with "go.mod file not found" ('go get' is no longer supported outside a module since Go 1.18)`,
          line,
          suggestion:
            'run go get where go.mod is (COPY go.mod first), or use go install pkg@version',
        });
        return problems;
      }
      if (minor === null && !warnings.some((w) => w.rule === 'go/get-outside-module'))
        warnings.push({
          rule: 'go/get-outside-module',
          reason: `go get on line ${line} runs in ${cmd.cwd}, where the image has no go.mod at that step, and which Go ${stage.baseImage?.raw ?? 'the image'} has cannot be known from its tag: from Go 1.18 this stops the build ("go.mod file not found"), older Go runs it; the rewrite keeps the builder as it is, so it builds exactly when the original does`,
        });
    }
    if (hasGoMod || !moduleModeByDefault) continue;
    const packageMode =
      (cmd.subcommand === 'build' || cmd.subcommand === 'install' || cmd.subcommand === 'mod') &&
      !(cmd.packages.length > 0 && cmd.packages.every((p) => p.endsWith('.go') || p.includes('@')));
    if (packageMode) {
      problems.push({
        rule: 'go/no-go-mod',
        reason: `go ${cmd.subcommand} builds a package in module mode (the default of ${goOf(stage, image)}) and the build context has no go.mod, so it stops with "go.mod file not found"`,
        line,
        suggestion:
          'add a go.mod to the repository (go mod init), or set ENV GO111MODULE=off for a GOPATH build',
      });
      return problems;
    }
  }
  const moduleMode = hasGoMod && isCopied(stage, 'go.mod') && moduleModeByDefault;
  const unrooted = moduleMode ? unrootedPackage(stage, commands, startRun, context, mod) : null;
  if (unrooted) return [unrooted];
  const version = parseGoVersion(image.version);
  const wanted = parseGoVersion(mod?.go ?? null);
  const toolchain = stage.envValues.GOTOOLCHAIN ?? 'local';
  const builds = commands.filter((c) =>
    ['build', 'install', 'mod', 'run', 'test', 'vet', 'generate'].includes(c.cmd.subcommand),
  );
  if (
    wanted &&
    version &&
    version.minor >= 21 &&
    toolchain === 'local' &&
    builds.length > 0 &&
    isCopied(stage, 'go.mod') &&
    (wanted.minor > version.minor ||
      (wanted.minor === version.minor &&
        wanted.patch !== null &&
        version.patch !== null &&
        wanted.patch > version.patch))
  ) {
    const first = builds.find((c) => (c.cmd.env.GOTOOLCHAIN ?? 'local') === 'local');
    if (first) {
      const line = lineOf(first.run.ins);
      problems.push({
        rule: 'go/toolchain-too-old',
        reason: `go.mod asks for go ${mod!.go} and the image has Go ${image.version}; with GOTOOLCHAIN=local (the golang image's setting) go refuses to build ("go.mod requires go >= ${mod!.go}")`,
        line,
        suggestion: `use golang:${mod!.go!.split('.').slice(0, 2).join('.')} or newer, or lower the go line of go.mod`,
      });
    }
  }
  return problems;
}

/**
 * `go build cmd/main` (or go install, go run, in a RUN or as the start) in module mode: a package
 * path without `./` is an import path, and one whose first element has no dot names the standard
 * library, so go stops with "package cmd/main is not in std". A path whose first element is no
 * standard-library root (`file-server/cmd/server`) is in no Go's standard library, so it fails
 * unless go.mod's module, a require or a replace (or a go.work module) provides it; one that
 * could be a standard package (`cmd/main`) is judged only when the context has that folder, so
 * the `./` was plainly meant.
 */
function unrootedPackage(
  stage: StageFacts,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  startRun: { cmd: GoCommand; line: number } | null,
  context: BuildContext,
  mod: GoMod | null,
): BuildProblem | null {
  const setting = stage.envValues.GO111MODULE ?? '';
  if (setting === 'off' || setting === 'auto') return null;
  const workspace = context.paths.some((p) => p === 'go.work' || p.endsWith('/go.work'));
  const provided = [mod?.module ?? '', ...(mod?.requires ?? []), ...(mod?.replaces ?? [])].filter(
    Boolean,
  );
  const steps = [
    ...commands.map(({ run, cmd }) => ({ cmd, line: lineOf(run.ins), atStart: false })),
    ...(startRun ? [{ ...startRun, atStart: true }] : []),
  ];
  for (const { cmd, line, atStart } of steps) {
    if (!['build', 'install', 'run'].includes(cmd.subcommand)) continue;
    if ((cmd.env.GO111MODULE ?? 'on') !== 'on') continue;
    for (const p of cmd.packages) {
      if (/^(\.|\/)|\.go$|@|^(all|std|cmd)$|\.\.\.|\$/.test(p)) continue;
      if (provided.some((m) => p === m || p.startsWith(m + '/'))) continue;
      const root = p.split('/')[0];
      if (root.includes('.')) continue;
      const folder = posix.relative('/', posix.resolve(cmd.cwd, p));
      const ctx = contextPathOf(stage, context.paths, '/' + folder);
      const isFolder = ctx !== null && contextHas(context.paths, ctx) === 'dir';
      if (STANDARD_ROOTS.has(root) ? !isFolder : workspace) continue;
      const what = `go ${cmd.subcommand} ${p}: without ./ go reads ${p} as an import path, which names the standard library${STANDARD_ROOTS.has(root) ? '' : ` (its first element has no dot), and neither the module (${mod?.module ?? 'none'}) nor go.mod's requires provide it`}, so it stops with "package ${p} is not in std"`;
      return {
        ...(atStart ? { atStart: true } : {}),
        rule: 'go/package-path-not-relative',
        reason: atStart ? `the start runs ${what}, and the container exits at once` : what,
        line,
        suggestion: isFolder
          ? `${cmd.subcommand} ./${p}`
          : `${cmd.subcommand} the folder of the main package with ./ (or its full import path ${mod?.module ?? '<module>'}/...)`,
      };
    }
  }
  return null;
}

/**
 * What a build needs that the COPY steps never bring: a `go build x.go` of a file the context
 * does not have, and a package of the module that the main package imports and whose folder no
 * COPY puts in the image (COPY main.go go.mod ./ and an import of example.com/app/internal/db).
 * Files .gitignore lists are made on the host and are not judged.
 */
function missingInputs(
  stage: StageFacts,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  context: BuildContext,
  sources: GoSourceFacts,
  mod: GoMod | null,
): BuildProblem[] {
  if (context.truncated || context.paths.length === 0) return [];
  const gitignore =
    context.files['.gitignore'] !== undefined ? parseGitIgnore(context.files['.gitignore']) : null;
  const copiedBefore = (line: number) => ({
    ...stage,
    copies: stage.copies.filter((c) => c.ins.getRange().start.line < line),
  });
  for (const { run, cmd } of commands) {
    if (cmd.subcommand !== 'build' && cmd.subcommand !== 'install' && cmd.subcommand !== 'run')
      continue;
    const before = copiedBefore(run.ins.getRange().start.line);
    for (const p of cmd.packages.filter((p) => p.endsWith('.go'))) {
      const ctx = contextPathOf(before, context.paths, posix.resolve(cmd.cwd, p));
      if (ctx === null || contextHas(context.paths, ctx) !== null || gitignore?.ignores(ctx))
        continue;
      return [
        {
          rule: 'go/build-file-missing',
          reason: `go ${cmd.subcommand} ${p} builds a file the build context does not have (${ctx}), so it stops with "no such file or directory"`,
          line: lineOf(run.ins),
          suggestion: `build the folder of the main package, or fix the path (${p})`,
        },
      ];
    }
    if (mod?.module === null || mod === null || !isCopied(stage, 'go.mod')) continue;
    const pkgs = cmd.packages.length > 0 ? cmd.packages : ['.'];
    const dir = pkgs[0].endsWith('.go')
      ? posix.dirname(posix.resolve(cmd.cwd, pkgs[0]))
      : pkgs[0] === '.'
        ? cmd.cwd
        : pkgs[0].startsWith('./')
          ? posix.resolve(cmd.cwd, pkgs[0])
          : null;
    if (dir === null) continue;
    // The package's folder: the one a COPY maps onto the build's folder, or that of the .go files
    // copied into it one by one (COPY main.go go.mod ./).
    let ctxDir = contextPathOf(before, context.paths, dir);
    if (ctxDir === null) {
      const copied = before.copies.flatMap((c) =>
        c.fromStage === null && c.dest.replace(/\/$/, '') === dir
          ? c.sources.filter((s) => s.endsWith('.go'))
          : [],
      );
      if (copied.length > 0) ctxDir = posix.dirname(posix.normalize(copied[0]));
    }
    const main = sources.packages.find(
      (p) => p.dir === (ctxDir === '' || ctxDir === null ? '.' : ctxDir),
    );
    if (!main) continue;
    for (const imp of main.imports) {
      if (!imp.startsWith(mod.module + '/')) continue;
      const rel = imp.slice(mod.module.length + 1);
      if (contextHas(context.paths, rel) !== 'dir') continue;
      if (imagePathOf(before, context.paths, rel) !== null) continue;
      return [
        {
          rule: 'go/package-not-copied',
          reason: `${main.dir === '.' ? 'the main package' : main.dir} imports ${imp}, and no COPY before line ${lineOf(run.ins)} brings its folder ${rel}/ into the image, so go ${cmd.subcommand} stops ("no required module provides package")`,
          line: lineOf(run.ins),
          suggestion: `copy the whole module (COPY . .) before building`,
        },
      ];
    }
  }
  return [];
}

/** `go run main.go` at start, of a file the image does not have: the container exits at once. */
function missingRunFile(
  stage: StageFacts,
  startRun: { cmd: GoCommand; line: number } | null,
  context: BuildContext,
): BuildProblem[] {
  if (!startRun || context.truncated || context.paths.length === 0) return [];
  const gitignore =
    context.files['.gitignore'] !== undefined ? parseGitIgnore(context.files['.gitignore']) : null;
  for (const p of startRun.cmd.packages.filter((p) => p.endsWith('.go'))) {
    const ctx = contextPathOf(stage, context.paths, posix.resolve(startRun.cmd.cwd, p));
    if (ctx === null || contextHas(context.paths, ctx) !== null || gitignore?.ignores(ctx))
      continue;
    return [
      {
        atStart: true,
        rule: 'go/build-file-missing',
        reason: `the start runs go run ${p}, a file the build context does not have (${ctx}), so the container exits at once ("no such file or directory")`,
        line: startRun.line,
        suggestion: `run the folder of the main package, or fix the path (${p})`,
      },
    ];
  }
  return [];
}

/**
 * `go get` of a command on Go 1.18 or later, whose binary the start runs: go get only edits
 * go.mod now, it no longer builds or installs, so the program is not there at start.
 */
function getWithoutInstall(
  stage: StageFacts,
  image: GoImage,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
): BuildProblem[] {
  if (image.minor === null || image.minor < 18) return [];
  const command = effectiveCommand(stage);
  const words =
    command === null ? [] : Array.isArray(command) ? command : command.shell.trim().split(/\s+/);
  const program = posix.basename(words[0] ?? '');
  const nameOf = (p: string) => posix.basename(p.replace(/@.*$/, '').replace(/\/\.\.\.$/, ''));
  // go get to pin the version in go.mod, then go install of it: the way Go 1.18 asks for; or a
  // go build -o of the program's name.
  if (
    commands.some(
      ({ cmd }) =>
        (cmd.subcommand === 'install' && cmd.packages.some((p) => nameOf(p) === program)) ||
        (cmd.subcommand === 'build' &&
          cmd.output !== null &&
          posix.basename(cmd.output.replace(/\/$/, '')) === program),
    )
  )
    return [];
  for (const { run, cmd } of commands) {
    if (cmd.subcommand !== 'get') continue;
    const got = cmd.packages.find((p) => nameOf(p) === program);
    if (!got || program === '') continue;
    return [
      {
        atStart: true,
        rule: 'go/get-no-install',
        reason: `the start runs ${program}, which go get ${got} on line ${lineOf(run.ins)} was to install; since Go 1.18 go get only changes go.mod and installs nothing, so ${program} is not found at start`,
        line: lineOf(run.ins),
        suggestion: `install it with go install ${got.replace(/@.*$/, '')}@latest (or a version)`,
      },
    ];
  }
  return [];
}

/** Programs that fill vendor/ or GOPATH from a manifest of the GOPATH era. */
const DEPENDENCY_TOOLS = /^(dep|glide|govendor|godep|gvt|gpm|gb|trash)$/;

/**
 * A build whose package imports code from outside the standard library while nothing provides
 * it: no go.mod (module mode then finds no module for it), no vendor folder, no `go get` and no
 * dependency tool run (GOPATH mode then finds no package). `go run x.go` at start is checked too:
 * the original "builds" there only because it compiles when the container starts, and fails then.
 */
function importProblems(
  stage: StageFacts,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  startRun: { cmd: GoCommand; line: number } | null,
  context: BuildContext,
  sources: GoSourceFacts,
): BuildProblem[] {
  if (context.truncated || context.paths.length === 0) return [];
  if (context.paths.some((p) => p === 'go.mod' || p.endsWith('/go.mod'))) return [];
  if (context.paths.some((p) => p === 'vendor/' || p.endsWith('/vendor/'))) return [];
  if (commands.some(({ cmd }) => cmd.subcommand === 'get' || cmd.subcommand === 'mod')) return [];
  const tools = stage.runs.some((r) =>
    r.commands.some((c) => DEPENDENCY_TOOLS.test(c.trim().split(/\s+/)[0] ?? '')),
  );
  if (tools) return [];
  const builds = [
    ...commands
      .filter(({ cmd }) => ['build', 'install', 'run'].includes(cmd.subcommand))
      .map(({ run, cmd }) => ({ cmd, line: lineOf(run.ins) })),
    ...(startRun ? [startRun] : []),
  ];
  for (const { cmd, line } of builds) {
    const pkgs = cmd.packages.length > 0 ? cmd.packages : ['.'];
    const dirs = pkgs.map((p) =>
      p.endsWith('.go') ? posix.dirname(posix.resolve(cmd.cwd, p)) : p === '.' ? cmd.cwd : null,
    );
    for (const dir of new Set(dirs)) {
      if (dir === null) continue;
      const contextDir = contextPathOf(stage, context.paths, dir);
      if (contextDir === null) continue;
      const pkg = sources.packages.find((p) => p.dir === (contextDir === '' ? '.' : contextDir));
      const outside = (pkg?.imports ?? []).filter((i) => /^[^/]+\.[^/]+\//.test(i));
      if (outside.length === 0) continue;
      return [
        {
          rule: 'go/imports-unavailable',
          reason: `${pkg!.dir === '.' ? 'the main package' : `the package in ${pkg!.dir}/`} imports ${outside.slice(0, 2).join(', ')}${outside.length > 2 ? ` and ${outside.length - 2} more` : ''}, and nothing provides ${outside.length > 1 ? 'them' : 'it'}: no go.mod, no vendor folder, no go get, so go ${cmd.subcommand} stops with "cannot find package"`,
          line,
          suggestion: 'add a go.mod (go mod init, go mod tidy) and commit it with go.sum',
        },
      ];
    }
  }
  return [];
}

/** Commands that may fetch or write a go.mod this cannot see (a clone, an archive, a file written). */
const MAKES_GO_MOD = /\bgit\s+clone\b|\b(curl|wget|tar|unzip|svn|hg)\b|go\.mod/;

/**
 * Whether a go.mod may be in the image at `cwd` or a folder above it when `run` runs: one a COPY
 * before it brings from the build context, one a COPY this cannot follow might bring, or one a
 * RUN up to it may have fetched or written.
 */
function goModInImage(
  stage: StageFacts,
  context: BuildContext,
  run: RunStep,
  cwd: string,
): boolean {
  const at = run.ins.getRange().start.line;
  const before = { ...stage, copies: stage.copies.filter((c) => c.ins.getRange().start.line < at) };
  if (stage.runs.some((r) => r.ins.getRange().start.line <= at && MAKES_GO_MOD.test(r.text)))
    return true;
  for (let dir = cwd; ; dir = posix.dirname(dir)) {
    const file = posix.join(dir, 'go.mod');
    const ctx = contextPathOf(before, context.paths, file);
    if (
      ctx !== null
        ? contextHas(context.paths, ctx) === 'file'
        : mayBeCopied(before, context.paths, file)
    )
      return true;
    if (dir === '/') return false;
  }
}

/** Whether a COPY from the context brings `name` (at the context root) into the image. */
function isCopied(stage: StageFacts, name: string): boolean {
  return stage.copies.some(
    (c) =>
      c.fromStage === null &&
      c.sources.some((s) => {
        const clean = s.replace(/^\.?\//, '').replace(/\/$/, '');
        return clean === '' || clean === '.' || copySourceMatches(clean, name);
      }),
  );
}

/**
 * What the sources and the context say about the build: relative imports that module mode
 * rejects, `go build` of a folder with no Go files, and -mod=vendor with no vendor folder.
 */
function sourceProblems(
  stage: StageFacts,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  context: BuildContext,
  sources: GoSourceFacts,
  mod: GoMod | null,
): BuildProblem[] {
  const builds = commands.filter(
    (c) => c.cmd.subcommand === 'build' || c.cmd.subcommand === 'install',
  );
  if (builds.length === 0 || context.truncated || context.paths.length === 0) return [];
  const first = builds[0];
  const line = lineOf(first.run.ins);
  const moduleMode =
    mod !== null && (first.cmd.env.GO111MODULE ?? stage.envValues.GO111MODULE ?? '') !== 'off';
  const relative = sources.packages.find((p) => p.imports.some((i) => /^\.\.?\//.test(i)));
  if (moduleMode && relative) {
    const imp = relative.imports.find((i) => /^\.\.?\//.test(i))!;
    return [
      {
        rule: 'go/relative-import',
        reason: `${relative.dir === '.' ? 'the main package' : relative.dir} imports "${imp}", a relative import that module mode (go.mod is present) rejects, so go ${first.cmd.subcommand} fails`,
        line,
        suggestion: `import it by its module path (${mod!.module}/...)`,
      },
    ];
  }
  for (const { run, cmd } of builds) {
    const pkgs = cmd.packages.length > 0 ? cmd.packages : ['.'];
    if (pkgs.length !== 1 || pkgs[0] !== '.') continue;
    const dir = contextPathOf(stage, context.paths, cmd.cwd);
    if (dir === null || contextHas(context.paths, dir) !== 'dir') continue;
    if ((context.opaque ?? []).some((o) => dir === o.replace(/\/$/, '') || dir.startsWith(o)))
      continue;
    const prefix = dir === '' ? '' : dir + '/';
    const goFiles = context.paths.filter(
      (p) =>
        p.startsWith(prefix) &&
        !p.slice(prefix.length).includes('/') &&
        p.endsWith('.go') &&
        !p.endsWith('_test.go'),
    );
    if (goFiles.length === 0) {
      return [
        {
          rule: 'go/no-go-files',
          reason: `go ${cmd.subcommand} builds the folder ${cmd.cwd}, where the build context (${dir === '' ? 'its root' : dir}) has no Go files, so it stops with "no Go files"`,
          line: lineOf(run.ins),
          suggestion: 'build the folder of the main package (go build ./cmd/app)',
        },
      ];
    }
  }
  const vendored = builds.find(
    (c) =>
      c.cmd.otherFlags.includes('-mod=vendor') ||
      /-mod=vendor/.test(c.cmd.env.GOFLAGS ?? stage.envValues.GOFLAGS ?? ''),
  );
  const ignore =
    context.files['.dockerignore'] !== undefined
      ? parseDockerIgnore(context.files['.dockerignore'])
      : null;
  // `go mod vendor` before the build makes vendor/ in the image.
  const vendorMade =
    vendored !== undefined &&
    commands
      .slice(0, commands.indexOf(vendored))
      .some(({ cmd }) => cmd.subcommand === 'mod' && cmd.packages[0] === 'vendor');
  if (
    vendored &&
    !vendorMade &&
    (!context.paths.includes('vendor/') || ignore?.isExcluded('vendor'))
  ) {
    return [
      {
        rule: 'go/vendor-missing',
        reason: `go ${vendored.cmd.subcommand} -mod=vendor needs a vendor folder, and the build context has none${context.paths.includes('vendor/') ? ' (.dockerignore excludes it)' : ''}, so it fails`,
        line: lineOf(vendored.run.ins),
        suggestion: 'commit vendor/ (go mod vendor), or drop -mod=vendor',
      },
    ];
  }
  return [];
}

/**
 * A build whose packages import a module go.mod does not require, on Go 1.16 or later, where
 * builds no longer add requirements (-mod=readonly): go stops with "no required module provides
 * package" (or, with a go 1.17+ go.mod, "imported from implicitly required module"). Judged for
 * the packages the build compiles: the main one and the module's own packages it imports. Not
 * judged with a go.work, a vendor folder, -mod=mod, a go get or go mod tidy anywhere in the
 * stage, or a go.mod of Go before 1.17 that requires anything (a module it requires may bring
 * the import).
 */
export function unrequiredImports(
  stage: StageFacts,
  image: GoImage,
  mod: GoMod | null,
  modDir: string,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  startRun: { cmd: GoCommand; line: number } | null,
  context: BuildContext,
  sources: GoSourceFacts,
): BuildProblem[] {
  if (mod?.module == null || image.minor === null || image.minor < 16) return [];
  if (context.truncated || context.paths.length === 0 || sources.truncated) return [];
  const module = mod.module;
  const wanted = parseGoVersion(mod.go);
  if (mod.requires.length > 0 && (wanted === null || wanted.minor < 17)) return [];
  if (context.paths.some((p) => /(^|\/)go\.work$/.test(p) || /(^|\/)vendor\/$/.test(p))) return [];
  const setting = stage.envValues.GO111MODULE ?? '';
  if (setting === 'off' || setting === 'auto') return [];
  const flagsOf = (cmd: GoCommand) =>
    `${cmd.otherFlags.join(' ')} ${cmd.env.GOFLAGS ?? stage.envValues.GOFLAGS ?? ''}`;
  if (
    commands.some(
      ({ cmd }) =>
        cmd.subcommand === 'get' ||
        (cmd.subcommand === 'mod' &&
          cmd.packages[0] !== 'download' &&
          cmd.packages[0] !== 'verify') ||
        /-mod[= ](mod|vendor)\b/.test(flagsOf(cmd)),
    )
  )
    return [];
  const provided = [module, ...mod.requires, ...mod.replaces];
  const isProvided = (imp: string) => provided.some((m) => imp === m || imp.startsWith(m + '/'));
  const byDir = new Map(sources.packages.map((p) => [p.dir, p]));
  const inModule = (rel: string) => (rel === '' ? modDir : posix.join(modDir, rel));
  const steps = [
    ...commands
      .filter(({ cmd }) => ['build', 'install', 'run'].includes(cmd.subcommand))
      .map(({ run, cmd }) => ({ cmd, line: lineOf(run.ins), atStart: false })),
    ...(startRun ? [{ ...startRun, atStart: true }] : []),
  ];
  for (const { cmd, line, atStart } of steps) {
    if ((cmd.env.GO111MODULE ?? 'on') !== 'on') continue;
    const roots: string[] = [];
    for (const p of cmd.packages.length > 0 ? cmd.packages : ['.']) {
      let dir: string | null = null;
      if (p === module || p.startsWith(module + '/'))
        dir = inModule(p === module ? '' : p.slice(module.length + 1));
      else if (p.startsWith('.') || p.startsWith('/') || p.endsWith('.go')) {
        if (p.includes('...')) continue;
        const imageDir = posix.resolve(cmd.cwd, p.endsWith('.go') ? posix.dirname(p) : p);
        const ctx = contextPathOf(stage, context.paths, imageDir);
        dir = ctx === null ? null : ctx === '' ? '.' : ctx;
      }
      if (dir !== null) roots.push(dir);
    }
    const seen = new Set<string>();
    const queue = roots.filter((d) => byDir.has(d));
    for (const dir of queue) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const pkg = byDir.get(dir)!;
      // Only a package inside the module folder builds with this go.mod.
      if (modDir !== '.' && dir !== modDir && !dir.startsWith(modDir + '/')) continue;
      for (const imp of pkg.imports) {
        if (imp === module || imp.startsWith(module + '/')) {
          const next = inModule(imp === module ? '' : imp.slice(module.length + 1));
          if (byDir.has(next)) queue.push(next);
          continue;
        }
        if (!imp.split('/')[0].includes('.') || isProvided(imp)) continue;
        const where = importSite(context.files, dir, imp);
        const what = `${where ?? (dir === '.' ? 'the main package' : `${dir}/`)} imports ${imp}, and ${modDir === '.' ? 'go.mod' : posix.join(modDir, 'go.mod')} has no require for its module${mod.requires.length === 0 ? ' (it requires nothing)' : ''}, with no vendor folder and no go get or go mod tidy in the Dockerfile; ${goOf(stage, image)} does not add requirements while building, so go ${cmd.subcommand} stops with "no required module provides package ${imp}"`;
        return [
          {
            ...(atStart ? { atStart: true } : {}),
            rule: 'go/import-not-required',
            reason: atStart
              ? `the start runs go run: ${what}, and the container exits at once`
              : what,
            line,
            suggestion: 'run go mod tidy and commit go.mod and go.sum',
          },
        ];
      }
    }
  }
  return [];
}

/** The file (and line) of a package folder that imports `imp`: `courier/courier.go:6`. */
function importSite(files: Record<string, string>, dir: string, imp: string): string | null {
  const prefix = dir === '.' ? '' : dir + '/';
  for (const [path, text] of Object.entries(files)) {
    if (!path.startsWith(prefix) || path.slice(prefix.length).includes('/')) continue;
    if (!path.endsWith('.go') || path.endsWith('_test.go')) continue;
    const at = text.indexOf(`"${imp}"`);
    if (at < 0) continue;
    return `${path}:${text.slice(0, at).split('\n').length}`;
  }
  return null;
}
