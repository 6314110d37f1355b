import yargs from 'yargs';
import { DockerizeError } from '../errors';
import type { NginxVariant, Target } from '../types';

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
  format: 'text' | 'diff' | 'json';
  report?: string;
  color?: boolean;
  context?: string;
  config?: string;
  exclude: string[];
  jobs?: number;
  keep: boolean;
  port?: number;
  probe: string[];
}

export const TARGETS: Target[] = ['auto', 'nginx', 'distroless', 'cgr', 'scratch', 'slim'];

const USAGE = `$0 [paths..]

Rewrite single-stage Node.js and Go Dockerfiles into multi-stage ones with a small, non-root final stage.
Dry run by default: prints a unified diff and the reason for every change, and writes nothing.
Paths are files, folders (searched recursively) or globs; default: the current folder.`;

const EPILOG = `Exit codes: 0 success (a preview, files written, or nothing to change); 1 --check or -l found files that would change; 2 errors (every other file is still processed).
Output: diffs, lists and JSON on stdout; skips, warnings, progress and the summary on stderr.
Per-repo defaults: .dockerize-slim.json (or a "dockerize-slim" key in package.json) with target, user, nginx, exclude; flags win.
Every change is listed under its diff with a rule id (docs/rules.md) and a reason.`;

export function parseArgs(
  argv: string[],
  version: string,
): CliOptions | { exit: number; output: string } {
  let output = '';
  const parser = yargs(argv)
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
          }),
    )
    .positional('paths', {
      type: 'string',
      array: true,
      default: ['.'],
      describe: 'Dockerfiles, folders or globs',
    })
    .option('write', {
      alias: 'w',
      type: 'boolean',
      describe: 'write the rewritten files (atomically; new files such as nginx.conf too)',
    })
    .option('check', {
      type: 'boolean',
      describe: 'write nothing; exit 1 if any file would change (for CI)',
    })
    .option('list-different', {
      alias: 'l',
      type: 'boolean',
      describe: 'print only the paths of files that would change; exit 1 if any',
    })
    .option('interactive', {
      alias: 'i',
      type: 'boolean',
      describe: 'show each diff and ask yes/no/diff/quit before writing (terminal only)',
    })
    .option('target', {
      alias: 't',
      choices: TARGETS,
      describe: 'final-stage family (default auto: the smallest safe one, with the reason)',
    })
    .option('user', {
      type: 'string',
      describe:
        "final-stage user: UID[:GID], or a name the final image has (default: the image's numeric non-root user)",
    })
    .option('nginx', {
      choices: ['alpine', 'unprivileged', 'chainguard'] as NginxVariant[],
      describe:
        'image for static sites (default alpine): nginx:alpine, nginxinc/nginx-unprivileged:alpine, cgr.dev/chainguard/nginx',
    })
    .option('harden', {
      type: 'boolean',
      default: false,
      describe:
        'on multi-stage files, add a numeric non-root USER (and numeric --chown) to a final stage that runs as root',
    })
    .option('format', {
      choices: ['text', 'diff', 'json'] as const,
      default: 'text' as const,
      describe:
        'text: colored diff and rule list; diff: the patch only; json: one document (schema/result.schema.json)',
    })
    .option('report', {
      type: 'string',
      describe: 'also write a markdown summary for a pull-request body to this file',
    })
    .option('color', {
      type: 'boolean',
      describe:
        'force colors on or off (default: NO_COLOR, FORCE_COLOR, then whether stdout is a terminal)',
    })
    .option('context', {
      type: 'string',
      describe:
        "build context folder for a single Dockerfile (default: a compose file's build.context, else the Dockerfile's folder)",
    })
    .option('config', {
      type: 'string',
      describe: 'use this config file instead of looking for .dockerize-slim.json',
    })
    .option('exclude', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'skip paths matching this gitignore-style glob (repeatable)',
    })
    .option('jobs', {
      alias: 'j',
      type: 'number',
      describe: 'files processed in parallel (default: the number of cores)',
    })
    .conflicts('write', ['check', 'list-different'])
    .conflicts('check', 'list-different')
    .conflicts('interactive', ['check', 'list-different', 'write'])
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
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parseSync(argv, {}, (_err, _argv, out) => {
      if (out) output = out;
    }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof DockerizeError) throw e;
    throw new DockerizeError('E_USAGE', (e as Error).message);
  }
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
  };
}
