// Whether a rewrite does what its original does, from what the two runs recorded. Pure: run
// outcomes in, a verdict out; run-case.ts does the building and running.
import { Outcome, RunOutcome } from './cases';

export function describeRun(r: RunOutcome): string {
  if (r.state === 'answers')
    return `answers on port ${r.port}${r.netns ? ' (in a namespace with unprivileged low ports)' : ''}`;
  if (r.state === 'up') return 'stays up and listens on no TCP port';
  if (r.state === 'low-port-denied') return 'cannot bind its low port';
  return `exits (${r.exitCode}): ${r.log ?? ''}`;
}

/** The first port a non-root user may bind where the kernel's default holds (ip_unprivileged_port_start). */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * Where a rewrite runs to be compared with its original: in a private network namespace where any
 * user may bind a port below 1024 (as on Docker's default bridge) when the original listened on
 * one, or needed that namespace itself; else with host networking, like the original. Decided from
 * the original alone, never from what the rewrite prints: a non-root rewrite denied its low port
 * may exit 0 without a word (a Go server that ignores ListenAndServe's error).
 */
export function comparisonNetwork(original: RunOutcome): 'host' | 'netns' {
  if (original.netns) return 'netns';
  const lowPort =
    original.state === 'answers' &&
    original.port !== undefined &&
    original.port < FIRST_UNPRIVILEGED_PORT;
  return lowPort ? 'netns' : 'host';
}

/** A body that changes between two asks of one run: compared by status. */
export const BODY_UNSTABLE = 'unstable';
/** A body that differs between two builds of the same original without cache: compared by status. */
export const BODY_DIFFERS_BETWEEN_BUILDS = 'differs-between-builds';

const isComparable = (body: string) =>
  body !== BODY_UNSTABLE && body !== BODY_DIFFERS_BETWEEN_BUILDS;

/**
 * The paths the original and the rewrite answer on the same port with the same status and other
 * bodies: the only differences a second build of the original can explain.
 */
export function bodyDifferences(o: RunOutcome, r: RunOutcome): string[] {
  if (o.state !== 'answers' || r.state !== 'answers' || o.port !== r.port) return [];
  return (o.answers ?? [])
    .filter((a) => {
      const b = r.answers?.find((x) => x.path === a.path);
      return (
        b !== undefined &&
        b.status === a.status &&
        isComparable(a.body) &&
        isComparable(b.body) &&
        a.body !== b.body
      );
    })
    .map((a) => a.path);
}

/**
 * The paths whose body differs between two builds of the same original, built without cache and
 * run alike (SvelteKit stamps the build time into every page): same port, same status, other body.
 */
export function bodiesVaryingBetweenBuilds(first: RunOutcome, second: RunOutcome): string[] {
  return bodyDifferences(first, second);
}

/** The run with the bodies of `paths` set aside as differing between builds: compared by status. */
export function byStatusOn(run: RunOutcome, paths: string[]): RunOutcome {
  if (!run.answers || paths.length === 0) return run;
  return {
    ...run,
    answers: run.answers.map((a) =>
      paths.includes(a.path) ? { ...a, body: BODY_DIFFERS_BETWEEN_BUILDS } : a,
    ),
  };
}

/** Same behaviour: both stay up, or both answer on the same port with the same answers. */
export function compareRuns(
  o: RunOutcome,
  r: RunOutcome,
): { same: boolean; outcome: Outcome; detail: string } {
  if (r.state === 'exits' || r.state === 'low-port-denied')
    return {
      same: false,
      outcome: 'broke-start',
      detail: `the rewrite exits (${r.exitCode}): ${r.log ?? ''}`,
    };
  if (o.state === 'up')
    return r.state === 'up'
      ? { same: true, outcome: 'same', detail: 'both stay up; neither listens on a TCP port' }
      : {
          same: true,
          outcome: 'same',
          detail: `both stay up; the rewrite also listens on ${r.port}`,
        };
  if (r.state === 'up')
    return {
      same: false,
      outcome: 'broke-start',
      detail: `the original answers on ${o.port}; the rewrite listens on no port`,
    };
  if (r.port !== o.port)
    return {
      same: false,
      outcome: 'broke-answers',
      detail: `the original listens on ${o.port}, the rewrite on ${r.port}`,
    };
  const diffs = (o.answers ?? []).filter((a, i) => {
    const b = r.answers?.[i];
    if (!b || b.status !== a.status) return true;
    return isComparable(a.body) && isComparable(b.body) && a.body !== b.body;
  });
  const byBuild = (o.answers ?? [])
    .filter((a) => a.body === BODY_DIFFERS_BETWEEN_BUILDS)
    .map((a) => a.path);
  const byBuildNote =
    byBuild.length > 0
      ? `; ${byBuild.join(', ')} compared by status (the body differs between two builds of the original)`
      : '';
  if (diffs.length > 0)
    return {
      same: false,
      outcome: 'broke-answers',
      detail: `answers differ on ${diffs.map((d) => `${d.path} (${d.status} vs ${r.answers?.find((x) => x.path === d.path)?.status})`).join(', ')}${byBuildNote}`,
    };
  return {
    same: true,
    outcome: 'same',
    detail: `same answers on port ${o.port}${o.netns ? ' in a namespace with unprivileged low ports' : ''} (${(o.answers ?? []).map((a) => `${a.path} ${a.status}`).join(', ')})${byBuildNote}`,
  };
}
