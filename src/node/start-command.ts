import posix from 'path/posix';
import { CommandPrefix, parseCommandPrefix, splitShellWords } from '../dockerfile/shell-words';
import { NODE_FACTS } from '../templates';
import type { RuleId } from '../types';
import type { ScriptRun } from './npm-env';
import { AppFacts, FRAMEWORKS, Production } from './frameworks';

export interface PackageJson {
  name?: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  type?: string;
}

export interface InitWrapper {
  name: 'tini' | 'dumb-init';
  /** The program as written (absolute path or bare name). */
  program: string;
  args: string[];
}

export type StartCommand =
  | {
      ok: true;
      /** Arguments to node: flags, the script, then the script's own arguments. */
      nodeArgs: string[];
      /** The script node runs (relative to WORKDIR, or absolute), or null for `node -e`. */
      script: string | null;
      /** How the command was found, for the edit's reason: `npm start -> scripts.start -> node server.js`. */
      trail: string[];
      init: InitWrapper | null;
      /** The development tool the start ran through (nodemon, node --watch), dropped on request. */
      devServer?: string;
      /** The package.json script that ran node, innermost first: its npm_* values are the app's. */
      packageScript?: ScriptRun;
      /** How the framework the start belongs to runs in production (frameworks/). */
      production?: Production;
      /**
       * A process manager installed globally (pm2-runtime): the command runs as it is, on a
       * final image where the package is installed the same way.
       */
      globalCli?: { package: string; command: string[] };
      /**
       * A package script whose program is a package's bin (babel-node, ts-node): the original
       * start command stays, on a final image with npm, and that package survives the prune.
       */
      keptScript?: { tool: string; package: string; args: string[] };
      /** Environment a start line sets for node (`NODE_ENV=production node app.js`, cross-env). */
      env?: Record<string, string>;
      /** The folder a start line moves to (`cd server && node index.js`), relative to WORKDIR. */
      cwd?: string;
    }
  | { ok: false; rule: RuleId; reason: string; suggestion?: string };

export interface StartInput {
  /** The effective command in exec form (ENTRYPOINT + CMD combined), or a shell-form string. */
  command: string[] | { shell: string };
  packageJson: PackageJson | null;
  paths: readonly string[];
  /** The app folder's prefix inside the build context ('' for the context root). */
  appPrefix?: string;
  /** --dev-to-production: a file watcher around node (nodemon, node --watch) becomes plain node. */
  devToProduction?: boolean;
  /** Config files and manifests the framework adapters read. */
  files?: Record<string, string>;
  /** Packages the Dockerfile installs globally (npm install -g pm2). */
  globalPackages?: string[];
}

const DEV_TOOLS = new Set(NODE_FACTS.devServerCommands);
const GLOBAL_CLIS = NODE_FACTS.globalCliBins as Record<string, string>;
const SCRIPT_BINS = NODE_FACTS.scriptBinPackages as Record<string, string[]>;
const DEV_SCRIPTS = new Set(NODE_FACTS.devScriptNames);
const MAX_DEPTH = 6;
// dumb-init --rewrite s:r, tini -p SIGNAL / -e CODE: these flags take the next word as their value.
const INIT_FLAGS_WITH_VALUE = new Set(['-r', '--rewrite', '-p', '-e']);
const NODE_FLAGS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--conditions',
  '-C',
  '--title',
  '--inspect-port',
]);

function fail(rule: RuleId, reason: string, suggestion?: string): StartCommand {
  return { ok: false, rule, reason, suggestion };
}

export function resolveStartCommand(input: StartInput): StartCommand {
  let words: string[];
  let prefix: CommandPrefix | null = null;
  if (Array.isArray(input.command)) {
    words = input.command;
  } else {
    let split = splitShellWords(input.command.shell);
    if (!split.plain) {
      prefix = parseCommandPrefix(input.command.shell);
      if (prefix) split = splitShellWords(prefix.rest);
    }
    if (!split.plain) {
      if (isBuildAtStart(input.command.shell)) {
        return fail(
          'node/build-at-start',
          `the start command builds the app when the container starts ("${input.command.shell}")`,
          'run the build in a RUN step and make CMD start node',
        );
      }
      return fail(
        'node/resolve-start-command',
        `the start command ${split.reason}, which needs a shell`,
        'make CMD a plain command (exec form) or move the logic into a node script',
      );
    }
    words = split.words;
  }
  if (words.length === 0)
    return fail(
      'node/resolve-start-command',
      'there is no start command (the image would open a node REPL)',
    );
  const { init, command } = splitInit(words);
  words = command;
  if (init && words.length === 0)
    return fail('node/resolve-start-command', `${init.name} is given no command to run`);
  const resolved = withPrefix(resolveWords(words, input, [], 0), prefix);
  if (!resolved.ok) return resolved;
  return { ...resolved, init };
}

/** A tini or dumb-init in front of a command: the init with its own flags, and the command it runs. */
export function splitInit(words: readonly string[]): {
  init: InitWrapper | null;
  command: string[];
} {
  const name = basename(words[0] ?? '');
  if (name !== 'tini' && name !== 'dumb-init') return { init: null, command: [...words] };
  const rest = words.slice(1);
  let i = 0;
  while (i < rest.length && rest[i].startsWith('-') && rest[i] !== '--')
    i += INIT_FLAGS_WITH_VALUE.has(rest[i]) ? 2 : 1;
  const args = rest.slice(0, i);
  if (rest[i] === '--') i++;
  return { init: { name, program: words[0], args }, command: rest.slice(i) };
}

function isBuildAtStart(text: string): boolean {
  return (
    /&&|;/.test(text) && /\b(npm run build|yarn (run )?build|pnpm (run )?build|tsc)\b/.test(text)
  );
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function resolveWords(
  words: string[],
  input: StartInput,
  trail: string[],
  depth: number,
): StartCommand {
  if (depth > MAX_DEPTH)
    return fail('node/resolve-start-command', 'package.json scripts call each other too deeply');
  const shown = words.join(' ');
  const [program, ...args] = words;
  const name = basename(program);
  if (name === 'node' || name === 'nodejs') {
    if (input.devToProduction && args.some((a) => /^--watch/.test(a))) {
      const kept = args.filter(
        (a, i) => !/^--watch/.test(a) && !/^--watch-path$/.test(args[i - 1] ?? ''),
      );
      const plain = nodeInvocation(kept, [...trail, shown, `node ${kept.join(' ')}`]);
      return plain.ok ? { ...plain, devServer: 'node --watch' } : plain;
    }
    return withFramework(nodeInvocation(args, [...trail, shown]), input);
  }
  const framework = askFrameworks(words, input, [...trail, shown]);
  if (framework) return framework;
  if (name === 'nodemon' && input.devToProduction) {
    const script = nodemonScript(args);
    if (script) {
      const plain = nodeInvocation(script, [...trail, shown, `node ${script.join(' ')}`]);
      return plain.ok ? { ...plain, devServer: 'nodemon' } : plain;
    }
  }
  if (/\.(c|m)?js$/.test(program) || program.startsWith('-')) {
    // The node image's docker-entrypoint.sh runs `node` for a script or a flag.
    return nodeInvocation(words, [...trail, shown, `node ${shown}`]);
  }
  if (name === 'npm' || name === 'yarn' || name === 'pnpm')
    return packageScript(name, args, input, [...trail, shown], depth);
  if (
    name === 'npx' ||
    (name === 'pnpm' && args[0] === 'exec') ||
    (name === 'yarn' && args[0] === 'dlx')
  ) {
    const rest = name === 'npx' ? args : args.slice(1);
    const at = rest.findIndex((a) => !a.startsWith('-'));
    const tool = at >= 0 ? rest[at] : undefined;
    if (
      tool &&
      (DEV_TOOLS.has(tool) ||
        tool === 'ts-node' ||
        tool === 'tsx' ||
        askFrameworks(rest.slice(at), input, trail))
    )
      return resolveWords(rest.slice(at), input, [...trail, shown], depth);
    return fail(
      'node/resolve-start-command',
      `${shown} needs npx, which the slim runtime does not have`,
      'start the program with node directly',
    );
  }
  if (name === 'cross-env' || name === 'env') {
    // cross-env A=b node x.js: the variables for node, then the command.
    const env: Record<string, string> = {};
    let i = 0;
    for (; i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]); i++) {
      const eq = args[i].indexOf('=');
      env[args[i].slice(0, eq)] = args[i].slice(eq + 1);
    }
    if (i > 0 && i < args.length)
      return withPrefix(resolveWords(args.slice(i), input, [...trail, shown], depth + 1), {
        env,
        cwd: null,
        rest: '',
      });
  }
  if (
    (name === 'sh' || name === 'bash' || name === 'ash') &&
    args[0] === '-c' &&
    args.length === 2
  ) {
    // sh -c "node x.js": a shell that adds nothing when its line is a plain command.
    let inner = splitShellWords(args[1]);
    const prefix = inner.plain ? null : parseCommandPrefix(args[1]);
    if (prefix) inner = splitShellWords(prefix.rest);
    if (inner.plain && inner.words.length > 0)
      return withPrefix(resolveWords(inner.words, input, [...trail, shown], depth + 1), prefix);
  }
  if (name === 'sh' || name === 'bash' || name === 'ash' || /\.sh$/.test(name)) {
    return fail(
      'node/resolve-start-command',
      `the start command runs a shell (${shown}), which the final image does not have`,
      'start node directly, or use --target slim',
    );
  }
  const owner = scriptBinOwner(name, trail, input);
  if (owner) {
    return {
      ok: true,
      nodeArgs: [],
      script: null,
      trail: [...trail, shown],
      init: null,
      keptScript: { tool: name, package: owner, args },
    };
  }
  if (name === 'ts-node' || name === 'tsx' || name === 'ts-node-dev') {
    return fail(
      'node/dev-server-start',
      `${shown} compiles TypeScript at start-up with ${name}, a development tool that is not runnable in a slim runtime`,
      'compile with tsc in a RUN step and start the built .js with node',
    );
  }
  const cli = GLOBAL_CLIS[name];
  const foreground =
    name === 'pm2'
      ? args.includes('--no-daemon') && args.includes('start')
      : name !== 'forever' ||
        (args[0] !== undefined && !['start', 'stop', 'list'].includes(args[0]));
  if (cli && foreground && input.globalPackages?.includes(cli)) {
    return {
      ok: true,
      nodeArgs: [],
      script: null,
      trail: [...trail, shown],
      init: null,
      globalCli: { package: cli, command: words },
    };
  }
  if (name === 'pm2-runtime' || name === 'pm2' || name === 'forever' || name === 'serve') {
    const devDep = input.packageJson?.devDependencies?.[name === 'pm2-runtime' ? 'pm2' : name];
    return fail(
      'node/global-cli-start',
      `${shown} starts through the ${name} CLI, which ${devDep ? 'is a devDependency' : 'is installed globally or as a package binary'} and not in the final image`,
      'start the app with node directly',
    );
  }
  if (name === 'prisma' || name === 'sequelize' || name === 'knex' || name === 'typeorm') {
    return fail(
      'node/devdependency-start',
      `${shown} runs the ${name} CLI at start-up; its binary usually comes from a devDependency that is pruned`,
      'run migrations in a separate job, and start the app with node',
    );
  }
  if (DEV_TOOLS.has(name)) {
    const convertible = name === 'nodemon' && nodemonScript(args) !== null;
    return fail(
      'node/dev-server-start',
      `a development container: ${shown} runs a development server (${name}), not a production start`,
      convertible
        ? '--dev-to-production starts the same script with node instead'
        : 'build in a RUN step and start the built output with node',
    );
  }
  return fail(
    'node/resolve-start-command',
    `${shown} is not a node command this tool can resolve`,
    'use CMD ["node", "<script>"]',
  );
}

// nodemon flags that take a value; any other flag is a switch. --exec runs another program.
const NODEMON_VALUE_FLAGS = new Set([
  '-w',
  '--watch',
  '-e',
  '--ext',
  '-i',
  '--ignore',
  '-d',
  '--delay',
  '--signal',
  '-x',
  '--exec',
  '--config',
]);

/** The node arguments nodemon would run (`nodemon --watch src server.js` -> server.js), or null. */
function nodemonScript(args: string[]): string[] | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-x' || a === '--exec') return null;
    if (a === '--') return args.slice(i + 1).length > 0 ? args.slice(i + 1) : null;
    if (NODEMON_VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return /\.(c|m)?js$/.test(a) ? args.slice(i) : null;
  }
  return null;
}

function nodeInvocation(args: string[], trail: string[]): StartCommand {
  let script: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') break;
    if (NODE_FLAGS_WITH_VALUE.has(a)) {
      const value = args[i + 1] ?? '';
      if (/ts-node|tsx|esbuild-register|@swc\/register/.test(value)) {
        return fail(
          'node/dev-server-start',
          `node loads ${value} to compile TypeScript at start-up, a development tool`,
          'compile with tsc in a RUN step and start the built .js',
        );
      }
      i++;
      continue;
    }
    if (a.startsWith('-')) {
      if (/^--(watch|inspect)/.test(a)) {
        return fail(
          'node/dev-server-start',
          `node ${a} is a development mode`,
          'drop the flag for production',
        );
      }
      continue;
    }
    script = a;
    break;
  }
  if (script !== null && /\.(c|m)?tsx?$/.test(script)) {
    return fail(
      'node/dev-server-start',
      `node runs a TypeScript file (${script}) directly`,
      'compile with tsc and start the built .js',
    );
  }
  return { ok: true, nodeArgs: args, script, trail, init: null };
}

function packageScript(
  manager: 'npm' | 'yarn' | 'pnpm',
  args: string[],
  input: StartInput,
  trail: string[],
  depth: number,
): StartCommand {
  const target = workspaceTarget(manager, args);
  if (target) {
    const found = workspacePackage(input, target.selector);
    if (!found)
      return fail(
        'node/resolve-start-command',
        `${trail[trail.length - 1]} runs in the workspace ${target.selector}, which no package.json of the build context is`,
      );
    const inner = packageScript(
      manager,
      target.args,
      { ...input, packageJson: found.pkg, appPrefix: (input.appPrefix ?? '') + found.dir + '/' },
      [...trail, `workspace ${found.dir}`],
      depth + 1,
    );
    return withPrefix(inner, { env: {}, cwd: found.dir, rest: '' });
  }
  let scriptName: string | undefined;
  let extra: string[] = [];
  const [verb, ...rest] = args;
  if (verb === 'start' || (verb === 'test' && manager !== 'npm')) {
    scriptName = verb;
    extra = rest;
  } else if (verb === 'run' || verb === 'run-script') {
    scriptName = rest[0];
    extra = rest.slice(1);
  } else if (
    manager !== 'npm' &&
    verb !== undefined &&
    !verb.startsWith('-') &&
    !['install', 'add', 'exec', 'dlx'].includes(verb)
  ) {
    scriptName = verb;
    extra = rest;
  }
  if (scriptName === undefined) {
    return fail(
      'node/resolve-start-command',
      `${trail[trail.length - 1]} does not run a package.json script`,
    );
  }
  if (extra[0] === '--') extra = extra.slice(1);
  if (extra.some((e) => e.startsWith('-') && manager === 'npm' && !args.includes('--'))) {
    extra = extra.filter((e) => !e.startsWith('-'));
  }
  if (DEV_SCRIPTS.has(scriptName) && !input.devToProduction) {
    return fail(
      'node/dev-server-start',
      `a development container: the start command runs the "${scriptName}" script, a development server`,
      'add a production start script, or try --dev-to-production',
    );
  }
  const pkg = input.packageJson;
  if (pkg === null) {
    return fail(
      'node/resolve-start-command',
      `${manager} ${scriptName} needs package.json, which is not in the build context`,
    );
  }
  const scripts = pkg.scripts ?? {};
  const body = scripts[scriptName];
  if (body === undefined) {
    if (
      scriptName === 'start' &&
      (manager === 'npm' || manager === 'pnpm') &&
      input.paths.includes((input.appPrefix ?? '') + 'server.js')
    ) {
      const implicit = nodeInvocation(
        ['server.js', ...extra],
        [...trail, 'no scripts.start: npm runs node server.js'],
      );
      if (implicit.ok)
        implicit.packageScript = { manager, name: 'start', body: 'node server.js', pkg };
      return implicit;
    }
    return fail(
      'node/start-script-missing',
      `${trail[trail.length - 1]} runs scripts.${scriptName}, which package.json does not have${scriptName === 'start' ? ' (and there is no server.js for npm to fall back to)' : ''}, so ${manager} stops with "Missing script: ${scriptName}"`,
      `add a "${scriptName}" script to package.json, or start the app with node directly`,
    );
  }
  for (const hook of [`pre${scriptName}`, `post${scriptName}`]) {
    if (scripts[hook] !== undefined && manager !== 'yarn') {
      return fail(
        'node/resolve-start-command',
        `${manager} runs scripts.${hook} around scripts.${scriptName}; one node command cannot reproduce both`,
        'fold the hook into the start script',
      );
    }
  }
  let split = splitShellWords(body);
  let prefix: CommandPrefix | null = null;
  if (!split.plain) {
    prefix = parseCommandPrefix(body);
    if (prefix) split = splitShellWords(prefix.rest);
  }
  if (!split.plain) {
    if (isBuildAtStart(body)) {
      return fail(
        'node/build-at-start',
        `scripts.${scriptName} ("${body}") builds the app when the container starts`,
        'run the build in a RUN step and make the start script only start node',
      );
    }
    const first = body.trim().split(/\s+/)[0];
    if (pkg.devDependencies?.[first] !== undefined) {
      return fail(
        'node/devdependency-start',
        `scripts.${scriptName} ("${body}") runs ${first}, a devDependency that is pruned from the final image, before the app`,
        'run that step as a separate job or in the build, and start the app with node',
      );
    }
    return fail(
      'node/resolve-start-command',
      `scripts.${scriptName} ("${body}") ${split.reason}; it is not a plain command`,
      'make the script a single node command',
    );
  }
  const resolved = withPrefix(
    resolveWords([...split.words, ...extra], input, [...trail, `scripts.${scriptName}`], depth + 1),
    prefix,
  );
  if (resolved.ok && !resolved.packageScript)
    resolved.packageScript = { manager, name: scriptName, body, pkg };
  return resolved;
}

/** What the adapters read, seen from the package the script runs in (a workspace's folder). */
function appFacts(input: StartInput): AppFacts {
  const prefix = input.appPrefix ?? '';
  const under = (p: string) => p.startsWith(prefix);
  return {
    packageJson: input.packageJson,
    paths: input.paths.filter(under).map((p) => p.slice(prefix.length)),
    files: Object.fromEntries(
      Object.entries(input.files ?? {})
        .filter(([p]) => under(p))
        .map(([p, t]) => [p.slice(prefix.length), t]),
    ),
  };
}

/** A start through a framework's CLI (next start), resolved by its adapter; null when none claims it. */
function askFrameworks(words: string[], input: StartInput, trail: string[]): StartCommand | null {
  for (const f of FRAMEWORKS) {
    const answer = f.fromCli?.(words, appFacts(input));
    if (!answer) continue;
    if ('skip' in answer) return fail(answer.skip.rule, answer.skip.reason, answer.skip.suggestion);
    const p = answer.production;
    return {
      ok: true,
      nodeArgs: p.nodeArgs,
      script: p.nodeArgs[0] ?? null,
      trail: [...trail, `node ${p.nodeArgs.join(' ')}`],
      init: null,
      production: p,
    };
  }
  return null;
}

/** A node start that runs a framework's build output (node .output/server/index.mjs). */
function withFramework(start: StartCommand, input: StartInput): StartCommand {
  if (!start.ok) return start;
  for (const f of FRAMEWORKS) {
    const answer = f.fromNode?.(start.nodeArgs, appFacts(input));
    if (!answer) continue;
    if ('skip' in answer) return fail(answer.skip.rule, answer.skip.reason, answer.skip.suggestion);
    return { ...start, production: answer.production };
  }
  return start;
}

/** Carries a start line's `cd` and variables into what it resolved to (inner ones win). */
function withPrefix(start: StartCommand, prefix: CommandPrefix | null): StartCommand {
  if (!start.ok || prefix === null) return start;
  const env = { ...prefix.env, ...(start.env ?? {}) };
  const cwd =
    prefix.cwd === null
      ? start.cwd
      : start.cwd === undefined
        ? prefix.cwd
        : posix.join(prefix.cwd, start.cwd);
  return {
    ...start,
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
  };
}

/**
 * A script run in another package of the repository: `npm start -w server`, `npm run x
 * --workspace=server`, `npm start --prefix packages/server`, `yarn workspace server start`,
 * `pnpm --filter server start`, `pnpm -C packages/server start`.
 */
function workspaceTarget(
  manager: 'npm' | 'yarn' | 'pnpm',
  args: string[],
): { selector: string; args: string[] } | null {
  if (manager === 'yarn' && args[0] === 'workspace' && args[1])
    return { selector: args[1], args: args.slice(2) };
  const flags =
    manager === 'npm'
      ? ['-w', '--workspace', '--prefix']
      : manager === 'pnpm'
        ? ['--filter', '-F', '-C', '--dir']
        : [];
  for (let i = 0; i < args.length; i++) {
    for (const f of flags) {
      if (args[i] === f && args[i + 1])
        return { selector: args[i + 1], args: [...args.slice(0, i), ...args.slice(i + 2)] };
      if (args[i].startsWith(f + '='))
        return {
          selector: args[i].slice(f.length + 1),
          args: [...args.slice(0, i), ...args.slice(i + 1)],
        };
    }
  }
  return null;
}

/** The package a workspace selector names: by package name, or by folder. */
function workspacePackage(
  input: StartInput,
  selector: string,
): { dir: string; pkg: PackageJson } | null {
  const prefix = input.appPrefix ?? '';
  const wanted = selector.replace(/^\.\//, '').replace(/\/$/, '');
  for (const [path, text] of Object.entries(input.files ?? {})) {
    if (!path.endsWith('/package.json') || !path.startsWith(prefix)) continue;
    const dir = path.slice(prefix.length, -'/package.json'.length);
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(text) as PackageJson;
    } catch {
      continue;
    }
    if (pkg.name === selector || dir === wanted) return { dir, pkg };
  }
  return null;
}

/**
 * The dependency whose bin a package script runs (npm puts node_modules/.bin on the PATH of
 * scripts only), or undefined: outside a script, or for a tool no dependency provides.
 */
function scriptBinOwner(name: string, trail: string[], input: StartInput): string | undefined {
  if (!trail.some((t) => t.startsWith('scripts.'))) return undefined;
  const deps = {
    ...(input.packageJson?.dependencies ?? {}),
    ...(input.packageJson?.devDependencies ?? {}),
  };
  return (SCRIPT_BINS[name] ?? []).find((p) => deps[p] !== undefined);
}
