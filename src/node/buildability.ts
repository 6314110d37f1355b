import { parseDockerIgnore } from '../build-context/dockerignore';
import { parseGitIgnore } from '../build-context/gitignore';
import posix from 'path/posix';
import { NODE_FACTS } from '../templates';
import { BuildProblem, lineOf } from '../common/buildability';
import { startLine } from '../dockerfile/command';
import { contextHas, contextPathOf, imagePathOf, mayBeCopied } from '../dockerfile/copies';
import { atLeast, versionOf } from './frameworks/types';
import { officialOrMirrored } from '../dockerfile/image-ref';
import { roughWords } from '../dockerfile/shell-words';
import { effectiveCommand } from '../dockerfile/command';
import { currentNodeMajor, imageHasPackageManager } from './image';
import type { PackageJson } from './package-json';
import { packageOf } from './graph';
import type { Note } from '../types';
import type { NodeFacts } from './analyze';

const WEBPACK4 = NODE_FACTS.webpack4Packages as Record<string, string>;
const INSTALL_INPUTS = NODE_FACTS.installScriptInputs as Record<
  string,
  { setting: string; default: string }
>;

/**
 * Node originals that cannot build or start, known from the Dockerfile and the context alone:
 * a start file no COPY brings, an entry that requires a relative file the repository does not
 * have, an install script that needs a file not yet copied, and webpack 4 builds on Node 17+.
 */
export function nodeBuildProblems(facts: NodeFacts): BuildProblem[] {
  return [
    ...missingPackageManager(facts),
    ...frozenOutOfSync(facts),
    ...unpinnedPnpm(facts),
    ...missingStartFile(facts),
    ...missingRequire(facts),
    ...undeclaredPackage(facts),
    ...installScriptInput(facts),
    ...webpack4OnOpenSsl3(facts),
  ];
}

const MANAGERS = ['yarn', 'pnpm', 'corepack'];
const PM_INSTALLS = NODE_FACTS.packageManagerInstalls.map((i) => ({
  re: new RegExp(i.pattern),
  provides: i.provides,
  needs: 'needs' in i ? (i.needs as string) : undefined,
}));
const AVAILABILITY = NODE_FACTS.imagePackageManagers as Record<string, { why: string } | null>;

/** The package managers a command installs (`npm i -g pnpm@8`, `corepack enable`). */
export function packageManagersInstalledBy(command: string, have: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const i of PM_INSTALLS) {
    const m = i.re.exec(command.trim());
    if (!m || (i.needs !== undefined && !have.has(i.needs))) continue;
    out.push(...i.provides.replace(/\$(\d)/g, (_a, n: string) => m[Number(n)] ?? '').split(' '));
  }
  return out.filter((p) => p !== '');
}

/**
 * A RUN or the start runs yarn, pnpm or corepack on an official node image that does not ship
 * it (Node 26 has no yarn, Node 25+ no corepack, no image has pnpm) and nothing installed it
 * before: "yarn: not found". Commands behind `||`, `if` or `command -v` are not judged.
 */
function missingPackageManager(facts: NodeFacts): BuildProblem[] {
  const ref = facts.stage.baseImage;
  if (!ref || officialOrMirrored(ref) !== 'node' || (ref.tag === null && ref.digest !== null))
    return [];
  const major = currentNodeMajor(facts.base);
  if (major === null) return [];
  const have = new Set(['npm', ...MANAGERS].filter((p) => imageHasPackageManager(p, major)));
  const image = `${ref.repository}:${facts.base.tag}`;
  const problem = (tool: string, line: number, where: string): BuildProblem => ({
    ...(where === 'the start command' ? { atStart: true } : {}),
    rule: 'node/package-manager-missing',
    reason: `${where} runs ${tool}, and ${image} (Node ${major}) has no ${tool} (${AVAILABILITY[tool]?.why ?? 'pnpm is in no node image'}) and nothing in the Dockerfile installs it before, so it stops with "${tool}: not found"`,
    line,
    suggestion:
      tool === 'corepack'
        ? `install it first (RUN npm install -g corepack), or build on node:24`
        : `install it first (RUN npm install -g ${tool}${facts.packageJson && packageManagerVersion(facts.packageJson, tool) ? `@${packageManagerVersion(facts.packageJson, tool)}` : ''})`,
  });
  for (const { run } of facts.runs) {
    if (/\|\||\bif\b|\bcommand\s+-v\b|\bwhich\b/.test(run.text)) {
      // Guarded: whatever it installs may be there afterwards.
      for (const cmd of run.commands)
        for (const p of packageManagersInstalledBy(cmd, have)) have.add(p);
      continue;
    }
    for (const cmd of run.commands) {
      const words = roughWords(cmd).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
      const tool = words[0] === 'sudo' ? words[1] : words[0];
      if (tool !== undefined && MANAGERS.includes(tool) && !have.has(tool))
        return [problem(tool, lineOf(run.ins), `the RUN on line ${lineOf(run.ins)}`)];
      for (const p of packageManagersInstalledBy(cmd, have)) have.add(p);
    }
  }
  const command = effectiveCommand(facts.stage);
  const words =
    command === null ? [] : Array.isArray(command) ? command : roughWords(command.shell);
  const program = words.find(
    (w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && !/(^|\/)(tini|dumb-init)$/.test(w) && w !== '--',
  );
  const tool = program?.replace(/^.*\//, '');
  if (tool !== undefined && MANAGERS.includes(tool) && !have.has(tool)) {
    const line = startLine(facts.stage) ?? 1;
    return [problem(tool, line, 'the start command')];
  }
  return [];
}

/**
 * A frozen install (`npm ci`, `--frozen-lockfile`, `--immutable`) whose lockfile is in the image
 * and disagrees with package.json: it stops ("can only install packages when your package.json
 * and package-lock.json are in sync"). npm 7.0 to 8.4 (Node 15, early Node 16) did not check.
 */
function frozenOutOfSync(facts: NodeFacts): BuildProblem[] {
  for (const lock of facts.installLocks) {
    const a = lock.agreement;
    if (!lock.frozen || !lock.present || a === null || a.agrees || a.unchecked) continue;
    if (a.tooOld && pinnedPnpm(facts)) continue;
    if (facts.pm.manager === 'npm' && npmSkipsSyncCheck(facts)) continue;
    const line = lineOf(lock.run.ins);
    return [
      {
        rule: 'node/lockfile-out-of-sync',
        reason: `the frozen install on line ${line} uses ${lock.lockName}, which does not match package.json (${a.reason}), so it stops instead of installing`,
        line,
        suggestion: `update ${lock.lockName} (run the install without freezing it and commit the result)`,
      },
    ];
  }
  return [];
}

const PNPM = NODE_FACTS.packageManagerReleases.pnpm;
const BUILD_SCRIPTS = NODE_FACTS.installScriptPackages;

/**
 * A pnpm installed without a version (`npm i -g pnpm`, `corepack enable` with no packageManager
 * field) is today's release, which stops installs that built a week ago: from pnpm 11 it refuses
 * dependencies with build scripts nobody approved in pnpm-workspace.yaml's allowBuilds
 * (ERR_PNPM_IGNORED_BUILDS; seen with pnpm 12.26.0 on esbuild and core-js, while 10.34.8 only
 * warns). An old lockfile stops a frozen install only (node/lockfile-out-of-sync): without
 * --frozen-lockfile pnpm 12 resolves again and writes a v9 one.
 */
function unpinnedPnpm(facts: NodeFacts): BuildProblem[] {
  if (facts.pm.manager !== 'pnpm' || pinnedPnpm(facts)) return [];
  const install = facts.installLocks[0];
  if (!install) return [];
  const line = lineOf(install.run.ins);
  const today = `pnpm installed without a version is pnpm ${PNPM.latest} today (checked ${PNPM.checkedAt})`;
  const pin = `pin pnpm (a "packageManager": "pnpm@<version>" field in package.json, or npm install -g pnpm@<version>)`;
  const lock = facts.appContext.files['pnpm-lock.yaml'];
  const workspace = facts.appContext.files['pnpm-workspace.yaml'] ?? '';
  if (/^\s*dangerouslyAllowAllBuilds\s*:\s*true/m.test(workspace)) return [];
  const allowed = (name: string) =>
    new RegExp(`^\\s+['"]?${escapeRegExp(name)}['"]?\\s*:`, 'm').test(workspace);
  const listed = (name: string) =>
    lock !== undefined
      ? new RegExp(`^\\s+['"]?/?${escapeRegExp(name)}@\\d`, 'm').test(lock)
      : facts.packageJson?.dependencies?.[name] !== undefined ||
        facts.packageJson?.devDependencies?.[name] !== undefined;
  const blocked = BUILD_SCRIPTS.filter((p) => listed(p) && !allowed(p));
  if (blocked.length === 0) return [];
  return [
    {
      rule: 'node/unpinned-package-manager',
      reason: `${today}; from pnpm ${PNPM.stopsOnUnapprovedBuildsFrom} an install stops when dependencies have build scripts nobody approved, and ${blocked.slice(0, 3).join(', ')}${blocked.length > 3 ? ` and ${blocked.length - 3} more` : ''} ${blocked.length === 1 ? 'has one' : 'have them'}, so the install on line ${line} fails (ERR_PNPM_IGNORED_BUILDS)`,
      line,
      suggestion: `${pin}, or approve the builds in pnpm-workspace.yaml (allowBuilds: { ${blocked[0]}: true })`,
    },
  ];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function npmSkipsSyncCheck(facts: NodeFacts): boolean {
  const major = facts.base.major;
  const minor = Number(/^\d+\.(\d+)/.exec(facts.base.tag)?.[1] ?? NaN);
  return major === 15 || (major === 16 && minor < 15);
}

/** A pnpm version the Dockerfile or package.json pins (an old pnpm still reads an old lockfile). */
function pinnedPnpm(facts: NodeFacts): boolean {
  if (facts.packageJson && packageManagerVersion(facts.packageJson, 'pnpm')) return true;
  return facts.stage.runs.some((r) => /\bpnpm@\d/.test(r.text));
}

/** The version package.json's packageManager field pins for a manager (`pnpm@8.15.4+sha...`). */
export function packageManagerVersion(pkg: PackageJson, tool: string): string | null {
  const field = (pkg as { packageManager?: unknown }).packageManager;
  if (typeof field !== 'string') return null;
  const m = /^([a-z]+)@(\d[^+\s]*)/.exec(field);
  return m && m[1] === tool ? m[2] : null;
}

// Commands that write no file unless redirected: `RUN cd /app && npm install` makes no app file.
const WRITES_NOTHING = new Set(['cd', 'pwd', 'ls', 'true', ':', 'echo', 'printenv', 'which', 'id']);

function writesNothing(command: string): boolean {
  return WRITES_NOTHING.has(command.trim().split(/\s+/)[0]) && !command.includes('>');
}

/** Only installs and OS packages run: nothing but the COPYs can have made the app's files. */
function onlyCopiesMakeFiles(facts: NodeFacts): boolean {
  return facts.runs.every(({ run, classes }) =>
    classes.every(
      (c, i) =>
        c.kind === 'install' ||
        c.kind === 'os-packages' ||
        c.kind === 'global-install' ||
        (c.kind === 'other' && writesNothing(run.commands[i])),
    ),
  );
}

/** The file node (or pm2) is told to start, as a path in the image. */
function startFile(facts: NodeFacts): string | null {
  const start = facts.start;
  if (!start.ok) return null;
  const runDir = posix.resolve(facts.stage.workdir ?? '/', start.cwd ?? '.');
  const file = start.globalCli
    ? (start.globalCli.command.slice(1).find((a) => /\.(c|m)?js(on)?$/.test(a)) ?? null)
    : start.production
      ? null
      : start.script;
  return file === null ? null : posix.resolve(runDir, file);
}

// What node tries for `node app`: the name, then with extensions, then as a folder.
const CANDIDATES = ['', '.js', '.json', '.mjs', '.cjs', '.node', '/index.js', '/index.json'];

function missingStartFile(facts: NodeFacts): BuildProblem[] {
  const image = startFile(facts);
  if (image === null || !onlyCopiesMakeFiles(facts)) return [];
  const paths = facts.contextPaths;
  const found = CANDIDATES.some((ext) => {
    const ctx = contextPathOf(facts.stage, paths, image + ext);
    return ctx !== null && contextHas(paths, ctx) !== null;
  });
  const mapped = contextPathOf(facts.stage, paths, image);
  if (mapped === null) return neverCopied(facts, image);
  if (found || gitignored(facts, mapped)) return [];
  const line = startLine(facts.stage) ?? 1;
  return [
    {
      atStart: true,
      rule: 'node/start-file-missing',
      reason: `the start runs ${image}, and the build context has no ${mapped} for the COPY that fills that folder, so the container exits at start (MODULE_NOT_FOUND)`,
      line,
      suggestion: `fix the path in the start command, or COPY ${mapped}`,
    },
  ];
}

/**
 * A start file no COPY can put in the image (`COPY package*.json ./` and nothing else) and no RUN
 * makes: the node image has no app files of its own, so the container exits at start. Not when a
 * compose service bind-mounts the code there (a development setup that works).
 */
function neverCopied(facts: NodeFacts, image: string): BuildProblem[] {
  const paths = facts.contextPaths;
  if (CANDIDATES.some((ext) => mayBeCopied(facts.stage, paths, image + ext))) return [];
  if (!facts.stage.copies.some((c) => c.fromStage === null)) return [];
  const mounted = (facts.appContext.mounts ?? []).find(
    (m) => image === m.target || image.startsWith(m.target.replace(/\/$/, '') + '/'),
  );
  if (mounted) return [];
  const copied = facts.stage.copies
    .filter((c) => c.fromStage === null)
    .flatMap((c) => c.sources)
    .join(', ');
  return [
    {
      atStart: true,
      rule: 'node/start-file-missing',
      reason: `the start runs ${image}, which no COPY puts in the image (only ${copied} ${facts.stage.copies.length === 1 && !copied.includes(',') ? 'is' : 'are'} copied) and no RUN makes, so the container exits at start (MODULE_NOT_FOUND)`,
      line: startLine(facts.stage) ?? 1,
      suggestion: `copy the app's files into the image (COPY . .) before the start`,
    },
  ];
}

/**
 * The entry file's own relative requires and imports, when what they name is not in the context
 * and no RUN could have made it (a build, or `cp config.example.json config.json`).
 */
function missingRequire(facts: NodeFacts): BuildProblem[] {
  const image = startFile(facts);
  if (image === null || !onlyCopiesMakeFiles(facts)) return [];
  const entry = contextPathOf(facts.stage, facts.contextPaths, image);
  const text =
    entry === null ? undefined : facts.appContext.files[entry.slice(facts.appRoot.length)];
  if (entry === null || text === undefined) return [];
  const gitignore = facts.gitignore !== null ? parseGitIgnore(facts.gitignore) : null;
  for (const m of text.matchAll(
    /^(?:const|let|var|import)\b[^\n;]*?(?:require\(\s*|from\s+)['"](\.\.?\/[^'"]+)['"]/gm,
  )) {
    const target = posix.join(posix.dirname(entry), m[1]);
    // `process.env.X || require(...)`: not reached when the start sets X (npm sets npm_* values).
    const guard = /process\.env\.(\w+)\s*\|\|[^\n]*$/.exec(
      text.slice(m.index!, m.index! + m[0].length),
    )?.[1];
    if (guard !== undefined && startSets(facts, guard)) continue;
    if (target.startsWith('../')) {
      const inImage = posix.join(posix.dirname(image), m[1]);
      if (contextPathOf(facts.stage, facts.contextPaths, inImage) !== null) continue;
      return [
        {
          atStart: true,
          rule: 'node/required-file-missing',
          reason: `${entry} requires ${m[1]}, which is ${inImage} in the image, outside the folder the build context fills, and nothing puts it there, so the app exits at start (MODULE_NOT_FOUND)`,
          line: startLine(facts.stage) ?? 1,
          suggestion: `COPY the file to ${inImage}, or start through npm (which sets npm_package_* values), or make the app read its settings from the environment`,
        },
      ];
    }
    const exists = CANDIDATES.some((ext) => contextHas(facts.contextPaths, target + ext) !== null);
    if (exists) continue;
    // A file .gitignore lists is made on the host before building (see hostProvidedFiles).
    if (gitignore?.ignores(target) || CANDIDATES.some((e) => gitignore?.ignores(target + e)))
      continue;
    return [
      {
        atStart: true,
        rule: 'node/required-file-missing',
        reason: `${entry} requires ${m[1]}, which the repository does not have, so the app exits at start`,
        line: startLine(facts.stage) ?? 1,
        suggestion: `add ${target} to the image (COPY it, or build it), or make the app read its settings from the environment`,
      },
    ];
  }
  return [];
}

/** Whether the variable is set when the app starts: by ENV, or by npm for its npm_* values. */
function startSets(facts: NodeFacts, name: string): boolean {
  if (facts.stage.envValues[name] !== undefined) return true;
  return name.startsWith('npm_') && facts.start.ok && facts.start.packageScript !== undefined;
}

/**
 * A framework's build output (`.next`) that the repository lacks and .gitignore lists, and that
 * .dockerignore lets into the build context: built on the host before docker build (a CI job
 * that runs npm run build first), so the COPY brings it in.
 */
export function hostBuiltOutput(facts: NodeFacts, output: string): boolean {
  const path = facts.appRoot + output;
  if (contextHas(facts.contextPaths, path) !== null || !gitignored(facts, path)) return false;
  const ignore = facts.dockerignore !== null ? parseDockerIgnore(facts.dockerignore) : null;
  return !(ignore?.isExcluded(path) || ignore?.isExcluded(path + '/'));
}

function gitignored(facts: NodeFacts, contextPath: string): boolean {
  if (facts.gitignore === null) return false;
  const g = parseGitIgnore(facts.gitignore);
  return CANDIDATES.some((e) => g.ignores(contextPath + e)) || g.ignores(contextPath + '/');
}

/**
 * Files the start or the code needs that the repository does not have and .gitignore lists (a
 * dist/ built on the host, a config.json made from an example): the COPY brings them in when
 * the user builds, so they are host-provided, not missing, and the rewrite copies them the same
 * way; said as a warning naming each.
 */
export function hostProvidedFiles(facts: NodeFacts): Note[] {
  if (facts.gitignore === null) return [];
  const notes: Note[] = [];
  const output = facts.start.ok ? facts.start.production?.builtOutput : null;
  if (output && !facts.hasBuildStep && hostBuiltOutput(facts, output))
    notes.push({
      rule: 'common/host-built-source',
      reason: `${facts.start.ok ? facts.start.production!.framework : 'the framework'} starts from ${output}, which the Dockerfile does not build, the repository does not have and .gitignore lists: it is built on the host before docker build, and the rewrite copies it with the app`,
    });
  const image = startFile(facts);
  const paths = facts.contextPaths;
  if (image !== null && onlyCopiesMakeFiles(facts)) {
    const mapped = contextPathOf(facts.stage, paths, image);
    const found = CANDIDATES.some((ext) => {
      const ctx = contextPathOf(facts.stage, paths, image + ext);
      return ctx !== null && contextHas(paths, ctx) !== null;
    });
    if (mapped !== null && !found && gitignored(facts, mapped))
      notes.push({
        rule: 'common/host-built-source',
        reason: `the start runs ${image}, which the repository does not have and .gitignore lists (${mapped}): it is made on the host before docker build, and the rewrite copies it with the app`,
      });
  }
  for (const file of facts.graph?.files ?? []) {
    const text = facts.appContext.files[file.slice(facts.appRoot.length)];
    if (text === undefined) continue;
    for (const m of text.matchAll(
      /\brequire\(\s*['"](\.\.?\/[^'"]+)['"]\s*\)|from\s+['"](\.\.?\/[^'"]+)['"]/g,
    )) {
      const spec = m[1] ?? m[2];
      const target = posix.join(posix.dirname(file), spec);
      if (CANDIDATES.some((ext) => contextHas(paths, target + ext) !== null)) continue;
      if (!gitignored(facts, target)) continue;
      notes.push({
        rule: 'common/host-built-source',
        reason: `${file} loads ${spec}, which the repository does not have and .gitignore lists: it is made on the host before docker build (from an example, or by a script)${onlyCopiesMakeFiles(facts) ? '' : ' or by a RUN step'}, and the rewrite copies it with the app`,
      });
    }
  }
  return notes;
}

/**
 * A package the start file (or a file it reaches) requires at its top level that nothing
 * provides: not in package.json, not installed by the Dockerfile, and not in the lockfile the
 * install uses (which lists what is hoisted into node_modules). Node stops with
 * "Cannot find module". Without a lockfile only an app with no dependencies at all is judged.
 */
function undeclaredPackage(facts: NodeFacts): BuildProblem[] {
  const graph = facts.graph;
  const pkg = facts.packageJson;
  if (!graph || !pkg || facts.hasBuildStep || facts.bundled) return [];
  const entry = graph.files[0];
  if (facts.appContext.files[entry.slice(facts.appRoot.length)] === undefined) return [];
  const declared = new Set(
    ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((f) =>
      Object.keys((pkg as Record<string, Record<string, string> | undefined>)[f] ?? {}),
    ),
  );
  for (const { classes, run } of facts.runs)
    classes.forEach((c, i) => {
      if (c.kind !== 'other' || !c.manager) return;
      for (const w of roughWords(run.commands[i]).slice(2))
        if (!w.startsWith('-')) declared.add(w.replace(/(?<=.)@.*$/, ''));
    });
  const lock = facts.installLocks.find((l) => l.present)?.lockName ?? null;
  const lockText = lock ? facts.appContext.files[lock] : undefined;
  const hoisted = lockText !== undefined ? lockedPackages(lock!, lockText) : null;
  if (hoisted === null && declared.size > 0) return [];
  for (const file of graph.files) {
    const text = facts.appContext.files[file.slice(facts.appRoot.length)];
    if (text === undefined) continue;
    for (const m of text.matchAll(
      /^(?:const|let|var|import)\b[^\n;]*?(?:require\(\s*|from\s+)['"]([^'".\/][^'"]*)['"]/gm,
    )) {
      const name = packageOf(m[1]);
      if (name === null || declared.has(name) || hoisted?.has(name)) continue;
      return [
        {
          atStart: true,
          rule: 'node/package-undeclared',
          reason: `${file} requires ${name}, which package.json does not declare${hoisted ? ` and ${lock} does not have` : ' (and it declares no dependencies)'}, so node stops with "Cannot find module '${name}'"`,
          line: startLine(facts.stage) ?? 1,
          suggestion: `add ${name} to package.json's dependencies`,
        },
      ];
    }
  }
  return [];
}

/** Package names a lockfile puts at the top of node_modules; null when it cannot be read. */
function lockedPackages(name: string, text: string): Set<string> | null {
  try {
    if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') {
      const lock = JSON.parse(text) as {
        packages?: Record<string, unknown>;
        dependencies?: Record<string, unknown>;
      };
      if (lock.packages)
        return new Set(
          Object.keys(lock.packages)
            .filter((k) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(k))
            .map((k) => k.slice('node_modules/'.length)),
        );
      return new Set(Object.keys(lock.dependencies ?? {}));
    }
    if (name === 'yarn.lock') {
      const names = new Set<string>();
      for (const line of text.split(/\r?\n/)) {
        if (/^\s|^#|^$/.test(line)) continue;
        for (const key of line.replace(/:$/, '').split(/,\s*/)) {
          const m = /^"?(@?[^@"]+)@/.exec(key);
          if (m) names.add(m[1]);
        }
      }
      return names;
    }
  } catch {
    return null;
  }
  return null;
}

/** `prisma generate` in postinstall runs at the install, before the schema has been copied. */
function installScriptInput(facts: NodeFacts): BuildProblem[] {
  const scripts = facts.packageJson?.scripts ?? {};
  const hooks = ['preinstall', 'install', 'postinstall', 'prepare'].filter((h) => scripts[h]);
  for (const { run, classes } of facts.runs) {
    const install = classes.find((c) => c.kind === 'install');
    if (!install || /--ignore-scripts/.test(run.text)) continue;
    for (const hook of hooks) {
      for (const [command, input] of Object.entries(INSTALL_INPUTS)) {
        if (!scripts[hook].includes(command)) continue;
        const configured = (
          facts.packageJson as Record<string, Record<string, string> | undefined>
        )[input.setting.split('.')[0]]?.[input.setting.split('.')[1]];
        const file = facts.appRoot + (configured ?? input.default).replace(/^\.\//, '');
        if (contextHas(facts.contextPaths, file) === null) continue;
        const before = facts.stage.copies.filter(
          (c) => c.ins.getRange().start.line < run.ins.getRange().start.line,
        );
        if (imagePathOf({ ...facts.stage, copies: before }, facts.contextPaths, file) !== null)
          continue;
        const line = lineOf(run.ins);
        return [
          {
            rule: 'node/install-script-input-missing',
            reason: `the install runs scripts.${hook} ("${scripts[hook]}"), which needs ${file}, and that file is copied only after the install, so it fails`,
            line,
            suggestion: `copy ${file} before the install, or install with --ignore-scripts and run "${command}" after COPY . .`,
          },
        ];
      }
    }
  }
  return [];
}

/** webpack 4 builds need md4, which Node 17+ (OpenSSL 3) lacks. */
function webpack4OnOpenSsl3(facts: NodeFacts): BuildProblem[] {
  if (!facts.hasBuildStep) return [];
  const major = facts.base.major;
  // A floating tag (latest, lts, alpine, slim) is a current Node, far past 17.
  if (major !== null && major < 17) return [];
  const legacy = (t: string) => /--openssl-legacy-provider/.test(t);
  if (
    legacy(facts.stage.envValues.NODE_OPTIONS ?? '') ||
    facts.runs.some((r) => legacy(r.run.text))
  )
    return [];
  if (Object.values(facts.packageJson?.scripts ?? {}).some(legacy)) return [];
  for (const [pkg, fixedIn] of Object.entries(WEBPACK4)) {
    const app = facts.appContext;
    const range =
      facts.packageJson?.dependencies?.[pkg] ?? facts.packageJson?.devDependencies?.[pkg];
    if (range === undefined) continue;
    const locked =
      app.files['package-lock.json'] !== undefined || app.files['yarn.lock'] !== undefined;
    // Without a lockfile only a range pinned to one major says which version installs.
    if (!locked && !/^[\^~]?\d+(\.\d+){0,2}$/.test(range.trim())) continue;
    const version = versionOf({ ...app, packageJson: facts.packageJson }, pkg);
    if (version === null || atLeast(version, fixedIn)) continue;
    const build = facts.runs.find((r) => r.classes.some((c) => c.kind === 'build'))!;
    const line = lineOf(build.run.ins);
    return [
      {
        rule: 'node/openssl-legacy-build',
        reason: `${pkg} ${version.join('.')} builds with webpack 4 (md4 hashes), and Node ${major ?? facts.base.tag} has OpenSSL 3 without md4, so the build stops with ERR_OSSL_EVP_UNSUPPORTED`,
        line,
        suggestion: `upgrade ${pkg} to ${fixedIn} or later, or set ENV NODE_OPTIONS=--openssl-legacy-provider`,
      },
    ];
  }
  return [];
}
