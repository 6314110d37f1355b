// Bundles the CLI and the library into dist/ with esbuild, so `npx dockerize-slim` loads a few
// modules instead of resolving hundreds (cold start is a product requirement).
//
// A dry run of one file loads dist/cli.js alone: what only some runs need is a bundle of its own,
// required where it is used (LAZY below): the yargs parser (--help, verify, unusual arguments),
// the YAML parser (a compose file), verify, and the JSON, SARIF and markdown documents.
import { build } from 'esbuild';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'none',
  // Without keepNames: it wraps every function, closures in hot loops included, in a call that
  // sets its name (5% of a bulk run). Internal errors are printed with a stack of minified names.
  minify: true,
  // Without the default `module` condition, packages that ship both (vscode-languageserver-types,
  // which dockerfile-ast uses for every range) resolve to their CommonJS build: the ESM build,
  // converted, reaches every export through two getters, 5% of a bulk run's time.
  conditions: [],
};

/** Import specifier (as written in src/cli) -> the bundle in dist/ that holds it. */
const LAZY = {
  yargs: 'yargs.js',
  yaml: 'yaml.js',
  './verify': 'verify.js',
  './json-report': 'json-report.js',
  './sarif-report': 'sarif-report.js',
  './report': 'report.js',
};
const LAZY_ENTRIES = {
  // The files `require` finds, so that each bundle exports what require('yargs') returns.
  yargs: require.resolve('yargs'),
  yaml: require.resolve('yaml'),
  './verify': 'src/cli/verify.ts',
  './json-report': 'src/cli/json-report.ts',
  './sarif-report': 'src/cli/sarif-report.ts',
  './report': 'src/cli/report.ts',
};

/** Leaves the LAZY imports of src/cli to be required from their own bundles at run time. */
const lazyBundles = {
  name: 'lazy-bundles',
  setup(b) {
    b.onResolve(
      { filter: /^(yargs|yaml|\.\/(verify|json-report|sarif-report|report))$/ },
      (args) => {
        const isCli = /[\\/]src[\\/]cli[\\/][^\\/]+$/.test(args.importer);
        if (!isCli && args.path.startsWith('.')) return undefined;
        return { path: `./${LAZY[args.path]}`, external: true };
      },
    );
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    plugins: [lazyBundles],
  }),
  build({
    ...common,
    entryPoints: ['src/cli/worker.ts'],
    outfile: 'dist/worker.js',
    plugins: [lazyBundles],
  }),
  ...Object.entries(LAZY_ENTRIES).map(([specifier, entry]) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile: `dist/${LAZY[specifier]}`,
      // verify and the documents require each other's lazy parts the same way (yargs, yaml).
      plugins: specifier.startsWith('.') ? [lazyBundles] : [],
    }),
  ),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' }),
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
