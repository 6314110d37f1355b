import yargs from 'yargs';
import { DockerizeError } from '../errors';
import type { NginxVariant, Target } from '../types';

export interface CliOptions {
  command: 'rewrite' | 'verify';
  paths: string[];
  write: boolean;
  check: boolean;
  listDifferent: boolean;
  target: Target;
  user?: string;
  nginx: NginxVariant;
  format: 'text' | 'diff' | 'json';
  color?: boolean;
  context?: string;
  keep: boolean;
  port?: number;
  probe: string[];
}

export const TARGETS: Target[] = ['auto', 'nginx', 'distroless', 'cgr', 'scratch', 'slim'];

const EPILOG = `Exit codes: 0 success (a preview, files written, or nothing to change); 1 --check or -l found files that would change; 2 errors (every other file is still processed).
Output: diffs and JSON on stdout; skips, warnings and the summary on stderr.
Every change is listed under its diff with a rule id (see docs/rules.md) and a reason.`;

export function parseArgs(
  argv: string[],
  version: string,
): CliOptions | { exit: number; output: string } {
  let output = '';
  let exitCode: number | null = null;
  const parser = yargs(argv)
    .scriptName('dockerize-slim')
    .usage(
      '$0 [paths..]\n\nRewrite single-stage Node.js and Go Dockerfiles into multi-stage ones with a small, non-root final stage. Dry run by default: prints a unified diff and writes nothing.',
    )
    .command('$0 [paths..]', false)
    .command(
      'verify [paths..]',
      'build the original and the rewrite with the local Docker engine, run both, and compare them (writes only with --write and when every check passed)',
      (y) =>
        y
          .option('keep', {
            type: 'boolean',
            default: false,
            describe: 'keep the built images and stopped containers',
          })
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
      describe: 'Dockerfiles or folders to search',
    })
    .option('write', {
      alias: 'w',
      type: 'boolean',
      describe: 'write the rewritten files (atomically)',
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
    .option('target', {
      alias: 't',
      choices: TARGETS,
      default: 'auto' as Target,
      describe: 'final-stage family; auto picks the smallest safe one and says why',
    })
    .option('user', {
      type: 'string',
      describe:
        "non-root user of the final stage: UID[:GID], or a name the final image has (default: the image's numeric non-root user)",
    })
    .option('nginx', {
      choices: ['alpine', 'unprivileged', 'chainguard'] as NginxVariant[],
      default: 'alpine' as NginxVariant,
      describe:
        'image for static sites: nginx:alpine, nginxinc/nginx-unprivileged:alpine or cgr.dev/chainguard/nginx',
    })
    .option('format', {
      choices: ['text', 'diff', 'json'] as const,
      default: 'text' as const,
      describe:
        'text: colored diff and rule list; diff: the patch only; json: one object per file (schema/result.schema.json)',
    })
    .option('color', {
      type: 'boolean',
      describe:
        'force colors on or off (default: NO_COLOR, FORCE_COLOR, then whether stdout is a terminal)',
    })
    .option('context', {
      type: 'string',
      describe: "build context folder for a single Dockerfile (default: the Dockerfile's folder)",
    })
    .conflicts('write', ['check', 'list-different'])
    .conflicts('check', 'list-different')
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
  if (parsed.help || parsed.version) exitCode = 0;
  if (exitCode !== null)
    return { exit: exitCode, output: output.endsWith('\n') ? output : output + '\n' };
  const command = (parsed._ as string[])[0] === 'verify' ? 'verify' : 'rewrite';
  const paths = (parsed.paths as string[] | undefined) ?? ['.'];
  if (parsed.context !== undefined && paths.length !== 1) {
    throw new DockerizeError(
      'E_USAGE',
      '--context applies to a single Dockerfile; give exactly one path',
    );
  }
  return {
    command,
    paths: paths.length > 0 ? paths : ['.'],
    write: Boolean(parsed.write),
    check: Boolean(parsed.check),
    listDifferent: Boolean(parsed.listDifferent),
    target: parsed.target as Target,
    user: parsed.user as string | undefined,
    nginx: parsed.nginx as NginxVariant,
    format: parsed.format as CliOptions['format'],
    color: parsed.color as boolean | undefined,
    context: parsed.context as string | undefined,
    keep: Boolean(parsed.keep),
    port: parsed.port as number | undefined,
    probe: (parsed.probe as string[] | undefined) ?? ['/'],
  };
}
