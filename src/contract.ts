import posix from 'path/posix';
import { Arg, Env, Label } from 'dockerfile-ast';
import {
  execFormOf,
  keywordOf,
  logicalArguments,
  ParsedDockerfile,
  Stage,
} from './dockerfile/parse';
import type { ImageDefaults, Note, RuleId, RuntimeContract } from './types';

export type ContractField = Exclude<keyof RuntimeContract, 'env'> | `env:${string}`;

export function contractOf(
  doc: ParsedDockerfile,
  stage: Stage,
  image: ImageDefaults,
): RuntimeContract {
  let entrypoint = image.entrypoint;
  let cmd = image.cmd;
  let workdir = image.workdir;
  let user = image.user;
  const contract: RuntimeContract = {
    argv: null,
    env: {},
    workdir,
    expose: [],
    volumes: [],
    labels: {},
    stopSignal: null,
    healthcheck: null,
    user,
  };
  // ARG values the stage sets, which ENV and WORKDIR expand (an ENV of the same name wins).
  const argValues: Record<string, string> = {};
  const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
  for (const ins of stage.instructions) {
    const args = logicalArguments(doc, ins).trim();
    switch (keywordOf(ins)) {
      case 'ENTRYPOINT':
        entrypoint = startWords(doc, ins);
        // Docker resets an inherited CMD when the Dockerfile sets ENTRYPOINT.
        cmd = null;
        break;
      case 'CMD':
        cmd = startWords(doc, ins);
        break;
      case 'WORKDIR':
        workdir = posix.resolve(
          workdir,
          args.replace(
            /\$\{?(\w+)\}?/g,
            (m, n: string) => contract.env[n] ?? image.env?.[n] ?? argValues[n] ?? m,
          ),
        );
        break;
      case 'USER':
        user = args;
        break;
      case 'ARG': {
        const p = (ins as Arg).getProperty();
        const value = p?.getValue();
        if (p && value !== null && value !== undefined) argValues[p.getName()] = value;
        break;
      }
      case 'ENV': {
        // Docker expands an ENV value when it is set, with the values set before this line.
        const known: Record<string, string> = {
          ...argValues,
          ...(image.env ?? {}),
          ...contract.env,
        };
        for (const p of (ins as Env).getProperties())
          contract.env[p.getName()] = (p.getValue() ?? '').replace(
            /\$\{?(\w+)\}?/g,
            (m, n: string) => known[n] ?? m,
          );
        break;
      }
      case 'LABEL':
        for (const p of (ins as Label).getProperties())
          contract.labels[p.getName()] = p.getValue() ?? '';
        break;
      case 'EXPOSE':
        for (const w of words(args)) contract.expose.push(/\//.test(w) ? w : `${w}/tcp`);
        break;
      case 'VOLUME':
        contract.volumes.push(...(execFormOf(doc, ins) ?? words(args)));
        break;
      case 'STOPSIGNAL':
        contract.stopSignal = args;
        break;
      case 'HEALTHCHECK':
        contract.healthcheck = args.replace(/\s+/g, ' ');
        break;
    }
  }
  contract.argv = entrypoint || cmd ? [...(entrypoint ?? []), ...(cmd ?? [])] : null;
  contract.workdir = workdir;
  contract.user = user;
  contract.expose = [...new Set(contract.expose)].sort();
  contract.volumes = [...new Set(contract.volumes)].sort();
  return contract;
}

/** A CMD or ENTRYPOINT as the words it runs: exec form as written, shell form under /bin/sh -c. */
function startWords(doc: ParsedDockerfile, ins: Stage['instructions'][number]): string[] {
  return execFormOf(doc, ins) ?? ['/bin/sh', '-c', logicalArguments(doc, ins).trim()];
}

/** The ENTRYPOINT a stage runs its command under: its own last one, else its image's. */
export function entrypointOf(
  doc: ParsedDockerfile,
  stage: Stage,
  image: ImageDefaults,
): string[] | null {
  let entrypoint = image.entrypoint;
  for (const ins of stage.instructions) {
    if (keywordOf(ins) === 'ENTRYPOINT') entrypoint = startWords(doc, ins);
  }
  return entrypoint;
}

/**
 * The rules allowed to change each field. Anything else that changes is a bug in a planner, and
 * the file is skipped rather than written.
 */
const EXPLAINS: Array<{ rule: RuleId; fields: RegExp }> = [
  { rule: 'common/nonroot-user', fields: /^user$/ },
  { rule: 'common/harden-final-stage', fields: /^user$/ },
  { rule: 'node/convert-healthcheck', fields: /^healthcheck$/ },
  { rule: 'go/healthcheck', fields: /^healthcheck$/ },
  { rule: 'node/npm-environment', fields: /^(env:npm_\w+|argv)$/ },
  { rule: 'node/dev-server-start', fields: /^argv$/ },
  { rule: 'node/keep-init-process', fields: /^argv$/ },
  { rule: 'go/build-go-run', fields: /^argv$/ },
  {
    rule: 'static/nginx-final-stage',
    fields: /^(argv|workdir|expose|stopSignal|healthcheck|env:.*)$/,
  },
  { rule: 'static/runtime-env', fields: /^env:.*$/ },
  { rule: 'node/next-standalone', fields: /^env:(HOSTNAME|PORT)$/ },
  { rule: 'node/start-env', fields: /^env:.*$/ },
  { rule: 'node/start-cwd', fields: /^workdir$/ },
  { rule: 'node/nuxt-output', fields: /^env:(HOST|PORT)$/ },
  { rule: 'node/tool-os-packages', fields: /^env:(PLAYWRIGHT_BROWSERS_PATH|PUPPETEER_CACHE_DIR)$/ },
];

export interface ContractDifference {
  field: ContractField;
  before: string;
  after: string;
}

/** The fields that differ, each with its before and after, in a stable order. */
export function compareContracts(
  before: RuntimeContract,
  after: RuntimeContract,
): ContractDifference[] {
  const out: ContractDifference[] = [];
  const show = (v: unknown) => (v === null ? '(none)' : JSON.stringify(v));
  const fields: Array<Exclude<keyof RuntimeContract, 'env'>> = [
    'argv',
    'workdir',
    'expose',
    'volumes',
    'labels',
    'stopSignal',
    'healthcheck',
    'user',
  ];
  for (const f of fields) {
    if (JSON.stringify(before[f]) !== JSON.stringify(after[f]))
      out.push({ field: f, before: show(before[f]), after: show(after[f]) });
  }
  for (const name of [...new Set([...Object.keys(before.env), ...Object.keys(after.env)])].sort()) {
    if (before.env[name] !== after.env[name])
      out.push({
        field: `env:${name}`,
        before: show(before.env[name] ?? null),
        after: show(after.env[name] ?? null),
      });
  }
  return out;
}

/** Differences no rule of the rewrite accounts for. */
export function unexplained(
  differences: ContractDifference[],
  notes: Note[],
): ContractDifference[] {
  const rules = new Set(notes.map((n) => n.rule));
  return differences.filter(
    (d) => !EXPLAINS.some((e) => rules.has(e.rule) && e.fields.test(d.field)),
  );
}

/**
 * The differences between the original stage and the final stage that no rule of the rewrite
 * explains. The final stage may run the original command or the one the analysis resolved it to
 * (npm start -> node server.js); either way, commands are compared as the process sees them.
 */
export function checkContract(
  before: RuntimeContract,
  after: RuntimeContract,
  resolvedArgv: string[] | null,
  notes: Note[],
): ContractDifference[] {
  const same = (a: string[] | null, b: string[] | null) =>
    JSON.stringify(normalizeArgv(a)) === JSON.stringify(normalizeArgv(b));
  const argv =
    same(after.argv, before.argv) || same(after.argv, resolvedArgv) ? after.argv : before.argv;
  return unexplained(compareContracts({ ...before, argv }, after), notes);
}

/**
 * A start command as the process sees it: the node image's entrypoint script is transparent,
 * node and init programs are themselves wherever they are installed, and a binary is known by
 * its name (its path moves from the WORKDIR to an absolute one on purpose).
 */
export function normalizeArgv(argv: string[] | null): string[] | null {
  if (argv === null) return null;
  const words = /(^|\/)docker-entrypoint\.sh$/.test(argv[0] ?? '') ? argv.slice(1) : argv;
  return words.map((w, i) => {
    const base = w.slice(w.lastIndexOf('/') + 1);
    if (i === 0 || (w.startsWith('/') && /^(node|nodejs|tini|dumb-init)$/.test(base)))
      return base.replace(/^nodejs$/, 'node');
    return w;
  });
}
