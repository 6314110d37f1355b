import type { RuleId } from '../../types';
import type { ScriptRun } from '../npm-env';
import type { InitWrapper } from '../../dockerfile/command';
import type { Production } from '../frameworks';
import type { PackageJson } from '../package-json';

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

export function fail(rule: RuleId, reason: string, suggestion?: string): StartCommand {
  return { ok: false, rule, reason, suggestion };
}
