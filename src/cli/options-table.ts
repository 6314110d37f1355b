import type { NginxVariant, Target } from '../types';

/** Every option of the rewrite command, once: yargs is configured from it and so is the fast path. */
export interface OptionSpec {
  name: string;
  alias?: string;
  type: 'boolean' | 'string' | 'number';
  array?: boolean;
  choices?: readonly string[];
  default?: unknown;
  describe: string;
}

export const TARGETS: Target[] = ['auto', 'nginx', 'distroless', 'cgr', 'scratch', 'slim'];
export const NGINX_VARIANTS: NginxVariant[] = ['alpine', 'unprivileged', 'chainguard'];

export const OPTIONS: OptionSpec[] = [
  {
    name: 'write',
    alias: 'w',
    type: 'boolean',
    describe: 'write the rewritten files (atomically; new files such as nginx.conf too)',
  },
  {
    name: 'check',
    type: 'boolean',
    describe: 'write nothing; exit 1 if any file would change (for CI)',
  },
  {
    name: 'list-different',
    alias: 'l',
    type: 'boolean',
    describe: 'print only the paths of files that would change; exit 1 if any',
  },
  {
    name: 'interactive',
    alias: 'i',
    type: 'boolean',
    describe: 'show each diff and ask yes/no/diff/quit before writing (terminal only)',
  },
  {
    name: 'target',
    alias: 't',
    type: 'string',
    choices: TARGETS,
    describe: 'final-stage family (default auto: the smallest safe one, with the reason)',
  },
  {
    name: 'user',
    type: 'string',
    describe:
      "final-stage user: UID[:GID], or a name the final image has (default: the image's numeric non-root user)",
  },
  {
    name: 'nginx',
    type: 'string',
    choices: NGINX_VARIANTS,
    describe:
      'image for static sites (default alpine): nginx:alpine, nginxinc/nginx-unprivileged:alpine, cgr.dev/chainguard/nginx',
  },
  {
    name: 'harden',
    type: 'boolean',
    default: false,
    describe:
      'on multi-stage files, add a numeric non-root USER (and numeric --chown) to a final stage that runs as root',
  },
  {
    name: 'minimal',
    type: 'boolean',
    describe:
      "keep only what detection proves: the app folder read-only except the folders the app is seen to write (by default the final user owns it, as root could write anywhere in it); Go: only the files the program is seen to open, not the app's folders minus what is provably build-only",
  },
  {
    name: 'node',
    type: 'number',
    describe:
      "move Node apps to this major (builder and final stage), e.g. 22 for distroless; never lower than the app's own",
  },
  {
    name: 'dev-to-production',
    type: 'boolean',
    default: false,
    describe:
      'rewrite development containers (a dev server such as react-scripts start, ng serve or nodemon as the start command) into a production build; review the result',
  },
  {
    name: 'format',
    type: 'string',
    choices: ['text', 'diff', 'json', 'sarif'],
    default: 'text',
    describe:
      'text: colored diff and rule list; diff: the patch only; json: one document (schema/result.schema.json); sarif: SARIF 2.1.0 for code scanning',
  },
  {
    name: 'report',
    type: 'string',
    describe: 'also write a markdown summary for a pull-request body to this file',
  },
  {
    name: 'color',
    type: 'boolean',
    describe:
      'force colors on or off (default: NO_COLOR, FORCE_COLOR, then whether stdout is a terminal)',
  },
  {
    name: 'context',
    type: 'string',
    describe:
      "build context folder for a single Dockerfile (default: a compose file's build.context, else the Dockerfile's folder)",
  },
  {
    name: 'config',
    type: 'string',
    describe: 'use this config file instead of looking for .dockerize-slim.json',
  },
  {
    name: 'exclude',
    type: 'string',
    array: true,
    default: [],
    describe: 'skip paths matching this gitignore-style glob (repeatable)',
  },
  {
    name: 'jobs',
    alias: 'j',
    type: 'number',
    describe: 'files processed in parallel (default: the number of cores)',
  },
];

/** Pairs that cannot be used together. */
export const CONFLICTS: Array<[string, string]> = [
  ['write', 'check'],
  ['write', 'list-different'],
  ['check', 'list-different'],
  ['interactive', 'check'],
  ['interactive', 'list-different'],
  ['interactive', 'write'],
];

const camel = (s: string) => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Parses the common invocations without yargs (it costs a good part of a one-file run's start-up):
 * known long and short options, `--no-x`, `--x=value`, and paths. Returns null for anything else
 * (help, version, the verify command, an unknown or malformed option), which yargs then handles
 * with its full messages.
 */
export function fastParse(argv: string[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = { _: [] };
  const paths: string[] = [];
  for (const o of OPTIONS)
    if (o.default !== undefined)
      out[camel(o.name)] = Array.isArray(o.default) ? [...o.default] : o.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (i === 0 && arg === 'verify') return null;
      paths.push(arg);
      continue;
    }
    if (arg === '--') return null;
    let name: string;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      value = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (arg.length === 2) {
      const spec = OPTIONS.find((o) => o.alias === arg[1]);
      if (!spec) return null;
      name = spec.name;
    } else return null;
    let negated = false;
    let spec = OPTIONS.find((o) => o.name === name);
    if (!spec && name.startsWith('no-')) {
      spec = OPTIONS.find((o) => o.name === name.slice(3) && o.type === 'boolean');
      negated = spec !== undefined;
    }
    if (!spec) return null;
    const key = camel(spec.name);
    if (spec.type === 'boolean') {
      if (value !== undefined) return null;
      out[key] = !negated;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('-')) return null;
    }
    if (spec.choices && !spec.choices.includes(value)) return null;
    const typed = spec.type === 'number' ? Number(value) : value;
    if (spec.type === 'number' && !Number.isFinite(typed)) return null;
    if (spec.array) (out[key] as unknown[]).push(typed);
    else if (out[key] !== undefined && out[key] !== spec.default) return null;
    else out[key] = typed;
  }
  for (const [a, b] of CONFLICTS) if (out[camel(a)] && out[camel(b)]) return null;
  out.paths = paths.length > 0 ? paths : ['.'];
  return out;
}
