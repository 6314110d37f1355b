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

const OUTPUT_ENTRY = '.output/server/index.mjs';
const NUXT2_BIN = FRAMEWORK_FACTS.packageBins.nuxt2;

function production(args: string[], how: string): AdapterAnswer {
  const port = flagValue(args, ['--port', '-p']);
  const host = flagValue(args, ['--host', '-H']);
  const env: Record<string, string> = {
    ...(port ? { PORT: port } : {}),
    ...(host ? { HOST: host } : {}),
  };
  return {
    production: {
      framework: 'nuxt',
      rule: 'node/nuxt-output',
      reason: `${how}: the final stage takes only .output (Nitro bundles its server and dependencies) and runs node ${OUTPUT_ENTRY}; HOST, PORT and NITRO_* stay as set`,
      nodeArgs: [OUTPUT_ENTRY],
      copy: [{ from: '.output', to: '.output' }],
      writable: [],
      env,
      needsPackages: [],
      builtOutput: '.output',
    },
  };
}

/**
 * Nuxt 3 and 4: `nuxt start` / `nuxi preview` and `node .output/server/index.mjs` need only
 * .output. Nuxt 2: `nuxt start` runs nuxt's bin with node over .nuxt, static, the config and the
 * production node_modules.
 */
export const nuxt: FrameworkAdapter = {
  id: 'nuxt',
  // Nuxt 2's nuxt start reads nuxt.config (and its requires), loads the modules it names as
  // strings, and runs serverMiddleware; Nuxt 3's .output carries its own node_modules (copied).
  startup: (_p, app) => {
    const packages = new Map<string, string>();
    const config = configText(app, 'nuxt.config') ?? '';
    const list = /\bmodules\s*:\s*\[([\s\S]*?)\]/.exec(config)?.[1] ?? '';
    for (const m of list.matchAll(/['"`](@?[\w.-]+(?:\/[\w.-]+)?)(?:\/[^'"`]*)?['"`]/g))
      packages.set(m[1], 'nuxt.config modules');
    return {
      entries: codeUnder(app, ['server', 'api', 'serverMiddleware'], ['nuxt.config']),
      packages,
    };
  },
  fromCli(words: string[], app: AppFacts): AdapterAnswer | null {
    const program = words[0].slice(words[0].lastIndexOf('/') + 1);
    if (program !== 'nuxt' && program !== 'nuxi') return null;
    const [verb, ...rest] = words.slice(1);
    if (verb === 'dev') {
      return {
        skip: {
          rule: 'node/dev-server-start',
          reason: `a development container: ${words.join(' ')} runs the Nuxt development server`,
          suggestion:
            'build with nuxt build in a RUN step and start with node .output/server/index.mjs',
        },
      };
    }
    const version = versionOf(app, 'nuxt');
    if (version !== null && version[0] >= 3) {
      if (verb === 'start' || verb === 'preview') return production(rest, `${program} ${verb}`);
      return null;
    }
    if (program === 'nuxt' && (verb === 'start' || verb === undefined) && version !== null) {
      if (!atLeast(version, NUXT2_BIN.minVersion)) {
        return {
          skip: {
            rule: 'node/nuxt2-start',
            reason: `nuxt start on Nuxt ${dependencyRange(app, 'nuxt')}, whose bin path is not known`,
          },
        };
      }
      return {
        production: {
          framework: 'nuxt2',
          rule: 'node/nuxt2-start',
          reason: `Nuxt 2: nuxt start runs as node ${NUXT2_BIN.path} start over the built .nuxt, static, the config and the production node_modules`,
          nodeArgs: [NUXT2_BIN.path, 'start', ...rest],
          copy: null,
          writable: [],
          env: {},
          needsPackages: ['nuxt'],
          builtOutput: '.nuxt',
        },
      };
    }
    return null;
  },
  fromNode(nodeArgs: string[]): AdapterAnswer | null {
    const script = nodeArgs.find((a) => !a.startsWith('-'));
    if (script?.replace(/^\.\//, '') !== OUTPUT_ENTRY) return null;
    return production([], `node ${OUTPUT_ENTRY}`);
  },
};
