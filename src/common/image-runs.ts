import posix from 'path/posix';
import { splitInit } from '../dockerfile/command';
import type { ImageMount, ImageRun, NewFile, Note, Skip } from '../types';

/** How a stage starts: its ENTRYPOINT, the whole start command and its folder. */
export interface StageStart {
  entrypoint: string[] | null;
  argv: string[] | null;
  workdir: string;
}

const ENTRYPOINT_SCRIPT = /(^|\/)docker-entrypoint\.sh$/;

/**
 * The program a command line starts, past the wrappers in front of it (the node image's
 * entrypoint script, tini, dumb-init), as a path when it has a slash (resolved against the folder
 * it runs in) and as a bare name when PATH finds it.
 */
export function programOf(argv: readonly string[], workdir: string): string | null {
  let words = [...argv];
  for (;;) {
    if (ENTRYPOINT_SCRIPT.test(words[0] ?? '')) {
      // docker-entrypoint.sh runs node for a first word that is a flag.
      if (words[1]?.startsWith('-')) return 'node';
      words = words.slice(1);
      continue;
    }
    const { init, command } = splitInit(words);
    if (!init) break;
    words = command;
  }
  const word = words[0];
  if (word === undefined) return null;
  return word.includes('/') ? posix.resolve(workdir, word) : word;
}

const shown = (argv: readonly string[] | null) => (argv ? argv.join(' ') : '(none)');

/** node by any of its paths (PATH, /usr/local/bin, distroless /nodejs/bin) is one program. */
const NODE = /^(?:\/usr\/local\/bin\/|\/usr\/bin\/|\/nodejs\/bin\/)?node$/;

/** Whether two ENTRYPOINTs start the same program with the same words, whatever path names it. */
function sameEntrypoint(a: StageStart, b: StageStart): boolean {
  if (a.entrypoint === null || b.entrypoint === null) return a.entrypoint === b.entrypoint;
  const key = (s: StageStart) => {
    const [first, ...rest] = s.entrypoint!;
    const program = first.includes('/') ? posix.resolve(s.workdir, first) : first;
    return [NODE.test(program) ? 'node' : program, ...rest].join('\0');
  };
  return key(a) === key(b);
}

// Starts that are development tools: a compose service running one is a development service,
// which the build stage (the original image, renamed) serves as it always did.
const DEVELOPMENT =
  /^(nodemon|ts-node|ts-node-dev|tsx|vite|ng|next|nuxt|nuxi|webpack-dev-server|react-scripts|vue-cli-service|air|reflex|gin|CompileDaemon)$/;
const DEV_SCRIPTS = /^(dev|develop|watch|start:dev|serve|debug)$/;

/** Whether a service's start runs a development tool (go run, nodemon, npm run dev). */
function isDevelopment(argv: readonly string[]): boolean {
  const [program, a, b] = argv.map((w) => posix.basename(w));
  if (program === undefined) return false;
  if (DEVELOPMENT.test(program)) return true;
  if (program === 'go') return a === 'run';
  if (program === 'npx') return DEVELOPMENT.test(a ?? '');
  if (/^(npm|yarn|pnpm)$/.test(program))
    return DEV_SCRIPTS.test(a === 'run' ? (b ?? '') : (a ?? ''));
  if (/^(sh|bash|ash)$/.test(program) && a === '-c')
    return /\b(npm run (dev|watch)|nodemon|go run|air)\b/.test(argv[2] ?? '');
  return false;
}

const OVERRIDE_OF: Record<string, string> = {
  'compose.yaml': 'compose.override.yaml',
  'compose.yml': 'compose.override.yml',
  'docker-compose.yaml': 'docker-compose.override.yaml',
  'docker-compose.yml': 'docker-compose.override.yml',
};

/**
 * What the rewrite must do about the programs compose services run in the image. Each runs a
 * program the final stage cannot be shown to have (a start under an ENTRYPOINT the rewrite
 * changed, or a program other than the final stage's own that the final image does not carry:
 * no go, curl or shell in distroless) is a refusal, rather than left to fail under `docker
 * compose up`; except, for development services of a compose file in the build context, an override file
 * beside it (which compose merges on its own) pointing them at the build stage.
 */
export function imageRunPlan(
  runs: readonly ImageRun[],
  original: StageStart,
  final: StageStart,
  finalPrograms: readonly string[],
  builderName: string | null,
  paths: readonly string[],
): { skip: Skip | null; override?: { file: NewFile; note: Note } } {
  const own = final.argv ? programOf(final.argv, final.workdir) : null;
  const toBuilder = new Map<string, string[]>();
  for (const run of runs) {
    let argv: string[];
    let problem: Skip | null = null;
    if (run.kind === 'healthcheck') argv = run.command ?? [];
    else if (run.entrypoint) argv = [...run.entrypoint, ...(run.command ?? [])];
    else if (!sameEntrypoint(original, final)) {
      argv = [...(original.entrypoint ?? []), ...(run.command ?? [])];
      problem = {
        rule: 'common/compose-run',
        reason: `${run.source} runs \`${run.text}\` under the image's ENTRYPOINT, which the rewrite changes from ${shown(original.entrypoint)} to ${shown(final.entrypoint)}`,
        suggestion: `make the service run what the new image runs (${shown(final.argv)}), or drop its command`,
      };
    } else argv = [...(final.entrypoint ?? []), ...(run.command ?? [])];
    if (!problem) {
      const program = programOf(argv, run.workdir ?? final.workdir);
      if (program === null || program === own) continue;
      // A final with a shell and the image's programs (slim) still runs npm, node, sh and the like.
      if (!program.includes('/') && finalPrograms.includes(program)) continue;
      problem = {
        rule: 'common/compose-run',
        reason: `${run.source} runs ${program} in the image (\`${run.text}\`), and the final image is made to run ${own ?? 'nothing'} only`,
        suggestion: `make the service run what the new image runs (${shown(final.argv)}), or drop that setting`,
      };
    }
    const where = run.compose;
    const override = where ? OVERRIDE_OF[posix.basename(where.file)] : undefined;
    const overridePath = where && override ? posix.join(posix.dirname(where.file), override) : null;
    const usable =
      run.kind === 'start' &&
      builderName !== null &&
      overridePath !== null &&
      !paths.includes(overridePath) &&
      isDevelopment(run.entrypoint ? argv : [...(run.command ?? [])]);
    if (!usable) return { skip: problem };
    const services = toBuilder.get(overridePath!) ?? [];
    if (!services.includes(where!.service)) services.push(where!.service);
    toBuilder.set(overridePath!, services);
  }
  if (toBuilder.size === 0) return { skip: null };
  if (toBuilder.size > 1)
    return {
      skip: {
        rule: 'common/compose-run',
        reason: `development services of several compose files run programs the final image does not have (${[...toBuilder.keys()].join(', ')})`,
        suggestion: 'point those services at the build stage (build.target) by hand',
      },
    };
  const [[file, services]] = [...toBuilder];
  const content = [
    '# dockerize-slim: these services run development commands, which only the build stage has;',
    `# compose merges this file with ${posix.basename(file).replace('.override', '')} and builds them from that stage.`,
    'services:',
    ...services.flatMap((s) => [`  ${s}:`, '    build:', `      target: ${builderName}`]),
    '',
  ].join('\n');
  return {
    skip: null,
    override: {
      file: { path: file, content },
      note: {
        rule: 'common/compose-run',
        reason: `${services.length === 1 ? `service ${services[0]} runs` : `services ${services.join(', ')} run`} a development command that only the build stage can run: new file ${file} (which compose merges on its own) points ${services.length === 1 ? 'it' : 'them'} at the build stage (build.target: ${builderName}), the original image under a new name`,
      },
    },
  };
}

const isRoot = (user: string) => user === '' || /^(root|0)(:.*)?$/.test(user);

/**
 * Bind mounts of a service whose container ran as root and now runs as a non-root user: the host
 * path keeps its host owner (Docker makes a missing one root-owned), so the app may no longer
 * write there. The tool cannot see the host, so it says what to check.
 */
export function bindMountWarnings(
  mounts: readonly ImageMount[],
  originalUser: string,
  finalUser: string,
): Note[] {
  if (!isRoot(originalUser) || isRoot(finalUser)) return [];
  const uid = finalUser.split(':')[0];
  return mounts.map((m) => ({
    rule: 'common/bind-mount-owner',
    reason: `${m.source} mounts ${m.host} at ${m.target}, which root could always write: the app now runs as ${finalUser}, so if it writes there, make the host path writable by uid ${uid} (chown ${uid} ${m.host}); Docker creates a missing one owned by root`,
  }));
}
