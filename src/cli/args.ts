import { DockerizeError } from '../errors';
import type { NginxVariant, Target } from '../types';
import { CONFLICTS, fastParse, OPTIONS } from './options-table';

export interface CliOptions {
  command: 'rewrite' | 'verify';
  paths: string[];
  write: boolean;
  check: boolean;
  listDifferent: boolean;
  interactive: boolean;
  /** undefined when not given, so a repo's config file can set it. */
  target?: Target;
  user?: string;
  nginx?: NginxVariant;
  harden: boolean;
  devToProduction: boolean;
  /** undefined when not given, so a repo's config file can set it. */
  minimal?: boolean;
  node?: number;
  format: 'text' | 'diff' | 'json' | 'sarif';
  report?: string;
  color?: boolean;
  context?: string;
  config?: string;
  exclude: string[];
  jobs?: number;
  keep: boolean;
  port?: number;
  probe: string[];
  /** verify --observe: trace the original while it runs and check the rewrite against it. */
  observe: boolean;
}

export { TARGETS } from './options-table';

const USAGE = `$0 [paths..]

Rewrite single-stage Node.js and Go Dockerfiles into multi-stage ones with a small, non-root final stage.
Dry run by default: prints a unified diff and the reason for every change, and writes nothing.
Paths are files, folders (searched recursively) or globs; default: the current folder.`;

const EPILOG = `Exit codes: 0 success (a preview, files written, or nothing to change); 1 --check or -l found files that would change; 2 errors (every other file is still processed).
Output: diffs, lists and JSON on stdout; skips, warnings, progress and the summary on stderr.
Per-repo defaults: .dockerize-slim.json (or a "dockerize-slim" key in package.json) with target, user, nginx, exclude; flags win.
Every change is listed under its diff with a rule id (docs/rules.md) and a reason.`;

/** The full parser (help, version, verify, error messages); loaded only when the fast path declines. */
function parseWithYargs(
  argv: string[],
  version: string,
): { parsed: Record<string, unknown>; output: string } {
  // Required here, not imported: yargs is a good part of the start-up time of a one-file run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require('yargs') as typeof import('yargs');
  let output = '';
  let parser = yargs(argv)
    .scriptName('dockerize-slim')
    .usage(USAGE)
    .command('$0 [paths..]', false)
    .command(
      'verify [paths..]',
      'build the original and the rewrite with the local Docker engine, run both, and compare them (writes only with --write and when every check passed)',
      (y) =>
        y
          .option('keep', { type: 'boolean', default: false, describe: 'keep the built images' })
          .option('port', {
            type: 'number',
            describe: 'port to probe (default: the EXPOSE of the Dockerfile)',
          })
          .option('probe', {
            type: 'string',
            array: true,
            default: ['/'],
            describe: 'HTTP path to GET on both images and compare (repeatable)',
          })
          .option('observe', {
            type: 'boolean',
            default: false,
            describe:
              "trace the original from its first instruction while it is probed (strace on the Docker host, as root) and check the rewrite's image against what it read, wrote, made, ran, connected to and bound; with --write, what is missing and fixable is added to the written Dockerfile",
          }),
    )
    .positional('paths', {
      type: 'string',
      array: true,
      default: ['.'],
      describe: 'Dockerfiles, folders or globs',
    });
  for (const o of OPTIONS) {
    parser = parser.option(o.name, {
      alias: o.alias,
      type: o.type,
      array: o.array,
      choices: o.choices as string[] | undefined,
      default: o.default,
      describe: o.describe,
    });
  }
  for (const [a, b] of CONFLICTS) parser = parser.conflicts(a, b);
  parser = parser
    .epilog(EPILOG)
    .version(version)
    .help()
    .alias('h', 'help')
    .alias('v', 'version')
    .strict()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new DockerizeError('E_USAGE', msg || err?.message || 'invalid arguments');
    });
  try {
    const parsed = parser.parseSync(argv, {}, (_err, _argv, out) => {
      if (out) output = out;
    }) as Record<string, unknown>;
    return { parsed, output };
  } catch (e) {
    if (e instanceof DockerizeError) throw e;
    throw new DockerizeError('E_USAGE', (e as Error).message);
  }
}

export function parseArgs(
  argv: string[],
  version: string,
): CliOptions | { exit: number; output: string } {
  let output = '';
  let parsed = fastParse(argv);
  if (parsed === null) ({ parsed, output } = parseWithYargs(argv, version));
  if (parsed.help || parsed.version)
    return { exit: 0, output: output.endsWith('\n') ? output : output + '\n' };
  const command = (parsed._ as string[])[0] === 'verify' ? 'verify' : 'rewrite';
  const paths = (parsed.paths as string[] | undefined) ?? ['.'];
  if (parsed.context !== undefined && paths.length !== 1) {
    throw new DockerizeError(
      'E_USAGE',
      '--context applies to a single Dockerfile; give exactly one path',
    );
  }
  const jobs = parsed.jobs as number | undefined;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1))
    throw new DockerizeError('E_USAGE', '--jobs must be a whole number of at least 1');
  const node = parsed.node as number | undefined;
  if (node !== undefined && (!Number.isInteger(node) || node < 4 || node > 99))
    throw new DockerizeError('E_USAGE', '--node must be a Node major version, such as 22');
  return {
    command,
    paths: paths.length > 0 ? paths : ['.'],
    write: Boolean(parsed.write),
    check: Boolean(parsed.check),
    listDifferent: Boolean(parsed.listDifferent),
    interactive: Boolean(parsed.interactive),
    target: parsed.target as Target | undefined,
    user: parsed.user as string | undefined,
    nginx: parsed.nginx as NginxVariant | undefined,
    harden: Boolean(parsed.harden),
    devToProduction: Boolean(parsed.devToProduction),
    minimal: parsed.minimal as boolean | undefined,
    node: parsed.node as number | undefined,
    format: parsed.format as CliOptions['format'],
    report: parsed.report as string | undefined,
    color: parsed.color as boolean | undefined,
    context: parsed.context as string | undefined,
    config: parsed.config as string | undefined,
    exclude: (parsed.exclude as string[] | undefined) ?? [],
    jobs,
    keep: Boolean(parsed.keep),
    port: parsed.port as number | undefined,
    probe: (parsed.probe as string[] | undefined) ?? ['/'],
    observe: Boolean(parsed.observe),
  };
}
