// Bundles the CLI and the library into dist/ with esbuild: one file each, so `npx dockerize-slim`
// loads a single module instead of resolving hundreds (cold start is a product requirement).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'none',
  minify: true,
  keepNames: true,
  // Without the default `module` condition, packages that ship both (vscode-languageserver-types,
  // which dockerfile-ast uses for every range) resolve to their CommonJS build: the ESM build,
  // converted, reaches every export through two getters, 5% of a bulk run's time.
  conditions: [],
};
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' }),
  build({ ...common, entryPoints: ['src/cli/worker.ts'], outfile: 'dist/worker.js' }),
  build({ ...common, entryPoints: ['scripts/e2e.ts'], outfile: 'dist/e2e.js' }),
  build({ ...common, entryPoints: ['scripts/sweep.ts'], outfile: 'dist/sweep.js' }),
  build({ ...common, entryPoints: ['scripts/trial/main.ts'], outfile: 'dist/trial.js' }),
]);

// Declarations for the library (`transform` and its types), which import no dependency: the
// package ships none, everything is bundled above.
const { execFileSync } = await import('child_process');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], {
  stdio: 'inherit',
});
