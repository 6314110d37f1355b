import posix from 'path/posix';
import type { CommandPrefix } from '../../dockerfile/shell-words';
import { fail, StartCommand } from './types';

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

/**
 * Whether a start line builds before it starts (`npm run build && node dist/main.js`). A build
 * behind `||` (`test -f dist/main.js || npm run build`) runs only when the output is missing,
 * which a Dockerfile that built it rules out: not judged here.
 */
export function isBuildAtStart(text: string): boolean {
  const unconditional = text.replace(/\|\|[^;&]*/g, '');
  return (
    /&&|;/.test(text) &&
    /\b(npm run build|yarn (run )?build|pnpm (run )?build|tsc)\b/.test(unconditional)
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
export function nodemonScript(args: string[]): string[] | null {
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

export function nodeInvocation(args: string[], trail: string[]): StartCommand {
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

/** Carries a start line's `cd` and variables into what it resolved to (inner ones win). */
export function withPrefix(start: StartCommand, prefix: CommandPrefix | null): StartCommand {
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
