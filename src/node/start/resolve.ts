import { CommandPrefix, parseCommandPrefix, splitShellWords } from '../../dockerfile/shell-words';
import { basename, splitInit } from '../../dockerfile/command';
import { NODE_FACTS } from '../../templates';
import { askFrameworks, withFramework } from './frameworks';
import { isBuildAtStart, nodeInvocation, nodemonScript, withPrefix } from './parse';
import { fail, StartCommand, StartInput } from './types';
import { refuseProgram } from './refusals';
import { workspacePackage, workspaceTarget } from './workspace';

const DEV_TOOLS = new Set(NODE_FACTS.devServerCommands);
const GLOBAL_CLIS = NODE_FACTS.globalCliBins as Record<string, string>;
const SCRIPT_BINS = NODE_FACTS.scriptBinPackages as Record<string, string[]>;
const DEV_SCRIPTS = new Set(NODE_FACTS.devScriptNames);
const MAX_DEPTH = 6;

export function resolveStartCommand(input: StartInput): StartCommand {
  let words: string[];
  let prefix: CommandPrefix | null = null;
  const trail: string[] = [];
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
    words = shellExec(split.words);
    if (words !== split.words) trail.push(split.words.join(' '));
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
  const resolved = withPrefix(resolveWords(words, input, trail, 0), prefix);
  if (!resolved.ok) return resolved;
  return { ...resolved, init };
}

/**
 * A shell line's `exec node x.js`: the shell replaces itself with the command, as exec form runs
 * it directly (`exec -a name` and other options are left alone).
 */
function shellExec(words: string[]): string[] {
  return words[0] === 'exec' && words.length > 1 && !words[1].startsWith('-')
    ? words.slice(1)
    : words;
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
  const inner = (next: string[], nested: number) =>
    resolveWords(next, input, [...trail, shown], depth + nested);
  const started = nodeStart(words, input, trail);
  if (started) return started;
  if (name === 'npm' || name === 'yarn' || name === 'pnpm') {
    const wrapped = name === 'pnpm' ? args[0] === 'exec' : name === 'yarn' && args[0] === 'dlx';
    if (!wrapped) return packageScript(name, args, input, [...trail, shown], depth);
  }
  return (
    throughWrapper(name, args, shown, input, trail, inner) ??
    runsAsInstalled(name, args, words, input, trail) ??
    refuseProgram(name, args, shown, input)
  );
}

/** node itself, a framework's CLI, nodemon on request, or what the node image's entrypoint hands node. */
function nodeStart(words: string[], input: StartInput, trail: string[]): StartCommand | null {
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
  return null;
}

/**
 * A program that only runs another command: npx (and pnpm exec, yarn dlx) of a tool that resolves
 * on its own, cross-env and env with their variables, `sh -c` of a plain command line.
 */
function throughWrapper(
  name: string,
  args: string[],
  shown: string,
  input: StartInput,
  trail: string[],
  inner: (next: string[], nested: number) => StartCommand,
): StartCommand | null {
  if (name === 'npx' || name === 'pnpm' || name === 'yarn') {
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
      return inner(rest.slice(at), 0);
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
      return withPrefix(inner(args.slice(i), 1), { env, cwd: null, rest: '' });
  }
  if (
    (name === 'sh' || name === 'bash' || name === 'ash') &&
    args[0] === '-c' &&
    args.length === 2
  ) {
    // sh -c "node x.js": a shell that adds nothing when its line is a plain command.
    let line = splitShellWords(args[1]);
    const prefix = line.plain ? null : parseCommandPrefix(args[1]);
    if (prefix) line = splitShellWords(prefix.rest);
    if (line.plain && line.words.length > 0)
      return withPrefix(inner(shellExec(line.words), 1), prefix);
  }
  return null;
}

/**
 * A program the final image runs as the original did: a package's bin that a package script
 * runs (babel-node, probot), or a process manager the Dockerfile installs globally (pm2-runtime).
 */
function runsAsInstalled(
  name: string,
  args: string[],
  words: string[],
  input: StartInput,
  trail: string[],
): StartCommand | null {
  const shown = words.join(' ');
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
  return null;
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
        [...trail, `no scripts.start: ${manager} runs node server.js`],
      );
      if (implicit.ok)
        implicit.packageScript = { manager, name: 'start', body: 'node server.js', pkg };
      return implicit;
    }
    return fail(
      'node/start-script-missing',
      `${trail[trail.length - 1]} runs scripts.${scriptName}, which package.json does not have${scriptName === 'start' && manager !== 'yarn' ? ` (and there is no server.js for ${manager} to fall back to)` : ''}, so ${manager} stops with "Missing script: ${scriptName}"`,
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
    resolveWords(
      [...shellExec(split.words), ...extra],
      input,
      [...trail, `scripts.${scriptName}`],
      depth + 1,
    ),
    prefix,
  );
  if (resolved.ok && !resolved.packageScript)
    resolved.packageScript = { manager, name: scriptName, body, pkg };
  return resolved;
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
