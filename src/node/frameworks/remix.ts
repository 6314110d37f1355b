import { FRAMEWORK_FACTS } from '../../templates';
import {
  AdapterAnswer,
  AppFacts,
  atLeast,
  codeUnder,
  dependencyRange,
  FrameworkAdapter,
  versionOf,
} from './types';

const BINS = FRAMEWORK_FACTS.packageBins;

/** Remix `remix-serve build/...` and React Router `react-router-serve build/server/index.js`. */
export const remix: FrameworkAdapter = {
  id: 'remix',
  // The server build runs the routes of app/, which load from node_modules what they import.
  startup: (_p, app) => ({ entries: codeUnder(app, ['app'], ['server']) }),
  fromCli(words: string[], app: AppFacts): AdapterAnswer | null {
    const program = words[0].slice(words[0].lastIndexOf('/') + 1);
    if (program !== 'remix-serve' && program !== 'react-router-serve') return null;
    const bin = BINS[program];
    const range = dependencyRange(app, bin.package);
    if (!atLeast(versionOf(app, bin.package), bin.minVersion)) {
      return {
        skip: {
          rule: 'node/remix-serve',
          reason: `${program} comes from ${bin.package} ${range ?? '(not in package.json)'}, whose bin path is not known`,
        },
      };
    }
    return {
      production: {
        framework: program,
        rule: 'node/remix-serve',
        reason: `${program} runs as node ${bin.path} over the app's node_modules (no npm or npx needed)`,
        nodeArgs: [bin.path, ...words.slice(1)],
        copy: null,
        writable: [],
        env: {},
        needsPackages: [bin.package],
        builtOutput: 'build',
      },
    };
  },
};
