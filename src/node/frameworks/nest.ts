import posix from 'path/posix';
import { FRAMEWORK_FACTS } from '../../templates';
import { AdapterAnswer, AppFacts, FrameworkAdapter } from './types';

const DEFAULTS = FRAMEWORK_FACTS.nest;

function readJson(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    // tsconfig files allow comments and trailing commas.
    return JSON.parse(
      text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1'),
    ) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Where `nest build` puts the entry: outDir (tsconfig.build.json, then tsconfig.json; default
 * dist) / entryFile (nest-cli.json; default main), under src/ when .ts files outside the source
 * root are compiled too (tsc's common root is then the project root).
 */
export function nestEntry(app: AppFacts): string {
  const cli = readJson(app.files['nest-cli.json']) ?? {};
  const sourceRoot = String(cli.sourceRoot ?? DEFAULTS.sourceRoot).replace(/\/$/, '');
  const entryFile = String(cli.entryFile ?? DEFAULTS.entryFile);
  const build = readJson(app.files['tsconfig.build.json']);
  const base = readJson(app.files['tsconfig.json']);
  const options = {
    ...((base?.compilerOptions as Record<string, unknown>) ?? {}),
    ...((build?.compilerOptions as Record<string, unknown>) ?? {}),
  };
  const outDir = String(options.outDir ?? DEFAULTS.outDir)
    .replace(/^\.\//, '')
    .replace(/\/$/, '');
  if (options.rootDir !== undefined) {
    const rel = posix.relative(String(options.rootDir), sourceRoot);
    return posix.join(outDir, rel, entryFile);
  }
  const excluded = (p: string) =>
    /(^|\/)(node_modules|dist|test|tests)\//.test(p) ||
    p.startsWith(outDir + '/') ||
    /\.(spec|e2e-spec|test|d)\.ts$/.test(p);
  const outside = app.paths.some(
    (p) => p.endsWith('.ts') && !p.startsWith(sourceRoot + '/') && !excluded(p),
  );
  return outside ? posix.join(outDir, sourceRoot, entryFile) : posix.join(outDir, entryFile);
}

/** NestJS `nest start`: after `nest build`, node runs the compiled entry (dist/main). */
export const nest: FrameworkAdapter = {
  id: 'nest',
  fromCli(words: string[], app: AppFacts): AdapterAnswer | null {
    const program = words[0].slice(words[0].lastIndexOf('/') + 1);
    if (program !== 'nest' || words[1] !== 'start') return null;
    const flags = words.slice(2);
    if (flags.some((f) => /^(--watch|-w|--debug|-d)$/.test(f))) {
      return {
        skip: {
          rule: 'node/dev-server-start',
          reason: `a development container: ${words.join(' ')} recompiles and restarts on changes`,
          suggestion: 'build with nest build in a RUN step and start with node dist/main',
        },
      };
    }
    const entry = nestEntry(app);
    return {
      production: {
        framework: 'nest',
        rule: 'node/nest-dist-main',
        reason: `nest start compiles and then runs node ${entry}; the image runs the entry nest build made (from nest-cli.json and the tsconfig outDir)`,
        nodeArgs: [entry],
        copy: null,
        writable: [],
        env: {},
        needsPackages: [],
        builtOutput: entry.split('/')[0],
        buildsAtStart: 'nest build',
      },
    };
  },
};
