import posix from 'path/posix';
import { splitInit } from '../dockerfile/command';
import type { ImageMount, ImageRun, Note, Skip } from '../types';

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

/**
 * The first command another file runs in the image that the rewrite's final stage cannot be shown
 * to run: a start under an ENTRYPOINT the rewrite changed, or any program other than the one the
 * final stage itself starts. The final image carries that program and what it needs, and nothing
 * says it has anything else (no go, npm, curl or shell in distroless), so the rewrite is refused
 * rather than left to fail under `docker compose up`.
 */
export function imageRunProblem(
  runs: readonly ImageRun[],
  original: StageStart,
  final: StageStart,
): Skip | null {
  const own = final.argv ? programOf(final.argv, final.workdir) : null;
  for (const run of runs) {
    let argv: string[];
    if (run.kind === 'healthcheck') argv = run.command ?? [];
    else if (run.entrypoint) argv = [...run.entrypoint, ...(run.command ?? [])];
    else {
      if (!sameEntrypoint(original, final)) {
        return {
          rule: 'common/compose-run',
          reason: `${run.source} runs \`${run.text}\` under the image's ENTRYPOINT, which the rewrite changes from ${shown(original.entrypoint)} to ${shown(final.entrypoint)}`,
          suggestion: `make the service run what the new image runs (${shown(final.argv)}), or drop its command`,
        };
      }
      argv = [...(final.entrypoint ?? []), ...(run.command ?? [])];
    }
    const program = programOf(argv, run.workdir ?? final.workdir);
    if (program === null || program === own) continue;
    return {
      rule: 'common/compose-run',
      reason: `${run.source} runs ${program} in the image (\`${run.text}\`), and the final image is made to run ${own ?? 'nothing'} only`,
      suggestion: `make the service run what the new image runs (${shown(final.argv)}), or drop that setting`,
    };
  }
  return null;
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
