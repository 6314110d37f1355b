import { FRAMEWORK_FACTS } from '../../templates';
import {
  AdapterAnswer,
  AppFacts,
  atLeast,
  codeUnder,
  configText,
  dependencyRange,
  FrameworkAdapter,
  flagValue,
  versionOf,
} from './types';

const BIN = FRAMEWORK_FACTS.packageBins.next;

/**
 * Next.js `next start`: with `output: 'standalone'` the final stage takes .next/standalone (its
 * own minimal node_modules), .next/static and public, and runs server.js with HOSTNAME and PORT;
 * otherwise next's own bin runs with node over the pruned node_modules. `output: 'export'` is a
 * static site and never reaches here (static/nginx takes it).
 */
export const next: FrameworkAdapter = {
  id: 'next',
  // next start loads next.config.* (and its requires) and runs the server build of pages/, app/
  // and middleware, which loads from node_modules what those sources import.
  startup: (_p, app) => ({
    entries: codeUnder(
      app,
      ['pages', 'app', 'src'],
      ['next.config', 'middleware', 'instrumentation'],
    ),
  }),
  fromCli(words: string[], app: AppFacts): AdapterAnswer | null {
    const program = words[0].slice(words[0].lastIndexOf('/') + 1);
    if (program !== 'next') return null;
    const args = words.slice(1);
    if (args[0] === 'dev') {
      return {
        skip: {
          rule: 'node/dev-server-start',
          reason: `a development container: ${words.join(' ')} runs the Next.js development server`,
          suggestion: 'build with next build in a RUN step and start with next start',
        },
      };
    }
    if (args[0] !== 'start' && args[0] !== undefined) return null;
    const range = dependencyRange(app, 'next');
    if (!atLeast(versionOf(app, 'next'), BIN.minVersion)) {
      return {
        skip: {
          rule: 'node/next-start',
          reason: `next start: the next version (${range ?? 'not in package.json'}) is not one whose bin path is known`,
          suggestion: "set output: 'standalone' and start with node .next/standalone/server.js",
        },
      };
    }
    const config = configText(app, 'next.config') ?? '';
    const output = /output\s*:\s*(['"`])(\w+)\1/.exec(config)?.[2] ?? null;
    const port = flagValue(args, ['-p', '--port']);
    const host = flagValue(args, ['-H', '--hostname']);
    if (output === null && /output\s*:/.test(config)) {
      return {
        skip: {
          rule: 'node/next-start',
          reason:
            'next.config sets output to an expression, so whether the build is standalone is unknown',
          suggestion: "write output: 'standalone' as a literal",
        },
      };
    }
    if (output === 'standalone') {
      const env: Record<string, string> = {
        ...FRAMEWORK_FACTS.next.standaloneEnv,
        ...(host ? { HOSTNAME: host } : {}),
        ...(port ? { PORT: port } : {}),
      };
      const copy = [
        { from: '.next/standalone', to: '.' },
        { from: '.next/static', to: '.next/static' },
        ...(app.paths.includes('public/') ? [{ from: 'public', to: 'public' }] : []),
      ];
      return {
        production: {
          framework: 'next',
          rule: 'node/next-standalone',
          reason: `output: 'standalone': the final stage takes .next/standalone (with its own minimal node_modules), .next/static${app.paths.includes('public/') ? ' and public' : ''}, and runs server.js with ${Object.entries(
            env,
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')} as next start did`,
          nodeArgs: ['server.js'],
          copy,
          writable: ['.next/cache'],
          env,
          needsPackages: [],
          builtOutput: '.next',
        },
      };
    }
    return {
      production: {
        framework: 'next',
        rule: 'node/next-start',
        reason: `next start runs as node ${BIN.path} start${args.length > 1 ? ' ' + args.slice(1).join(' ') : ''} (no npm or npx needed); .next/cache stays writable by the runtime user`,
        nodeArgs: [BIN.path, 'start', ...args.slice(1)],
        copy: null,
        writable: ['.next/cache'],
        env: {},
        needsPackages: ['next'],
        builtOutput: '.next',
      },
    };
  },
};
