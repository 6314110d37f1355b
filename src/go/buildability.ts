import { parseGitIgnore } from '../build-context/gitignore';
import posix from 'path/posix';
import { copySourceMatches } from '../build-context/path-pattern';
import type { BuildContext } from '../types';
import { BuildProblem, lineOf } from '../common/buildability';
import { GoCommand } from './commands';
import { GoMod, GoSourceFacts } from './sources';
import { contextHas, contextPathOf, imagePathOf } from '../dockerfile/copies';
import { effectiveCommand } from '../dockerfile/command';
import { parseDockerIgnore } from '../build-context/dockerignore';
import { RunStep, StageFacts } from '../dockerfile/stage';

export interface GoVersion {
  minor: number;
  patch: number | null;
}

/** `1.21.3` -> {21, 3}; `1.22` -> {22, null}; anything else (floating tags) -> null. */
export function parseGoVersion(text: string | null): GoVersion | null {
  const m = text ? /^1\.(\d+)(?:\.(\d+))?$/.exec(text) : null;
  return m ? { minor: Number(m[1]), patch: m[2] === undefined ? null : Number(m[2]) } : null;
}

// Only these follow the newest Go; golang:alpine3.11 or golang:buster name the last Go built on an
// old distribution release, whose version (and module-mode default) is not known.
export const FLOATING_GO_TAG = /^(latest|alpine|bookworm|trixie)?$/;

/**
 * Go builds that fail for certain with the image's toolchain: package-mode builds without a
 * go.mod where the toolchain is in module mode (1.16 and later unless GO111MODULE says otherwise),
 * `go get` outside a module (1.18 and later), and a go.mod asking for a newer Go than the image
 * has while GOTOOLCHAIN=local (the golang images' setting since 1.21) forbids switching.
 */
export function goBuildProblems(
  stage: StageFacts,
  imageVersion: string | null,
  imageTag: string,
  mod: GoMod | null,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  context: BuildContext,
  sources: GoSourceFacts,
  startRun: { cmd: GoCommand; line: number } | null = null,
): BuildProblem[] {
  const problems: BuildProblem[] = [
    ...sourceProblems(stage, commands, context, sources, mod),
    ...missingInputs(stage, commands, context, sources, mod),
    ...missingRunFile(stage, startRun, context),
    ...importProblems(stage, commands, startRun, context, sources),
    ...getWithoutInstall(stage, imageVersion, imageTag, commands),
  ];
  if (problems.length > 0) return problems;
  const version = parseGoVersion(imageVersion);
  const isLatest = imageVersion === null && FLOATING_GO_TAG.test(imageTag);
  const moduleModeByDefault = isLatest || (version !== null && version.minor >= 16);
  const contextKnown = !context.truncated && context.paths.length > 0;
  // A go.mod inside vendor/ or node_modules/ (not listed) cannot be a build's module root.
  const hasGoMod =
    !contextKnown || context.paths.some((p) => p === 'go.mod' || p.endsWith('/go.mod'));
  let modInit = false;
  for (const { run, cmd } of commands) {
    if (cmd.subcommand === 'mod' && cmd.packages[0] === 'init') modInit = true;
    if (hasGoMod || modInit || !moduleModeByDefault) continue;
    const setting = cmd.env.GO111MODULE ?? stage.envValues.GO111MODULE ?? '';
    if (setting !== '' && setting !== 'on') continue;
    const line = lineOf(run.ins);
    if (cmd.subcommand === 'get' && (isLatest || version!.minor >= 18)) {
      problems.push({
        rule: 'go/get-outside-module',
        reason: `go get runs in module mode with no go.mod in the build context; Go ${imageVersion ?? imageTag} stops with "go.mod file not found" ('go get' is no longer supported outside a module)`,
        line,
        suggestion:
          'add a go.mod (go mod init) and build with go build, or use go install pkg@version',
      });
      return problems;
    }
    const packageMode =
      (cmd.subcommand === 'build' || cmd.subcommand === 'install' || cmd.subcommand === 'mod') &&
      !(cmd.packages.length > 0 && cmd.packages.every((p) => p.endsWith('.go') || p.includes('@')));
    if (packageMode) {
      problems.push({
        rule: 'go/no-go-mod',
        reason: `go ${cmd.subcommand} builds a package in module mode (the default of Go ${imageVersion ?? imageTag}) and the build context has no go.mod, so it stops with "go.mod file not found"`,
        line,
        suggestion:
          'add a go.mod to the repository (go mod init), or set ENV GO111MODULE=off for a GOPATH build',
      });
      return problems;
    }
  }
  const moduleMode = hasGoMod && isCopied(stage, 'go.mod') && moduleModeByDefault;
  const unrooted = moduleMode ? unrootedPackage(stage, commands, context, mod) : null;
  if (unrooted) return [unrooted];
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
        reason: `go.mod asks for go ${mod!.go} and the image has Go ${imageVersion}; with GOTOOLCHAIN=local (the golang image's setting) go refuses to build ("go.mod requires go >= ${mod!.go}")`,
        line,
        suggestion: `use golang:${mod!.go!.split('.').slice(0, 2).join('.')} or newer, or lower the go line of go.mod`,
      });
    }
  }
  return problems;
}

/**
 * `go build cmd/main` in module mode: a package path without `./` is an import path, and one
 * whose first element has no dot names the standard library, so go stops with "package cmd/main
 * is not in std". Judged only when the context has that folder (the `./` was plainly meant).
 */
function unrootedPackage(
  stage: StageFacts,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
  context: BuildContext,
  mod: GoMod | null,
): BuildProblem | null {
  const setting = stage.envValues.GO111MODULE ?? '';
  if (setting === 'off' || setting === 'auto') return null;
  for (const { run, cmd } of commands) {
    if (!['build', 'install', 'run'].includes(cmd.subcommand)) continue;
    if ((cmd.env.GO111MODULE ?? 'on') !== 'on') continue;
    for (const p of cmd.packages) {
      if (/^(\.|\/)|\.go$|@|^(all|std|cmd)$|\.\.\./.test(p)) continue;
      if (mod?.module && (p === mod.module || p.startsWith(mod.module + '/'))) continue;
      if (p.split('/')[0].includes('.')) continue;
      const folder = posix.relative('/', posix.resolve(cmd.cwd, p));
      const ctx = contextPathOf(stage, context.paths, '/' + folder);
      if (ctx === null || contextHas(context.paths, ctx) !== 'dir') continue;
      return {
        rule: 'go/package-path-not-relative',
        reason: `go ${cmd.subcommand} ${p}: without ./ go reads ${p} as an import path, which names the standard library, so it stops with "package ${p} is not in std"`,
        line: lineOf(run.ins),
        suggestion: `build ./${p}`,
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
  imageVersion: string | null,
  imageTag: string,
  commands: Array<{ run: RunStep; cmd: GoCommand }>,
): BuildProblem[] {
  const version = parseGoVersion(imageVersion);
  const modern =
    (version !== null && version.minor >= 18) ||
    (imageVersion === null && FLOATING_GO_TAG.test(imageTag));
  if (!modern) return [];
  const command = effectiveCommand(stage);
  const words =
    command === null ? [] : Array.isArray(command) ? command : command.shell.trim().split(/\s+/);
  const program = posix.basename(words[0] ?? '');
  const nameOf = (p: string) => posix.basename(p.replace(/@.*$/, '').replace(/\/\.\.\.$/, ''));
  // go get to pin the version in go.mod, then go install of it: the way Go 1.18 asks for.
  if (
    commands.some(
      ({ cmd }) => cmd.subcommand === 'install' && cmd.packages.some((p) => nameOf(p) === program),
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
