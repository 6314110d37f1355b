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
    return a.body !== 'unstable' && b.body !== 'unstable' && a.body !== b.body;
  });
  if (diffs.length > 0)
    return {
      same: false,
      outcome: 'broke-answers',
      detail: `answers differ on ${diffs.map((d) => `${d.path} (${d.status} vs ${r.answers?.find((x) => x.path === d.path)?.status})`).join(', ')}`,
    };
  return {
    same: true,
    outcome: 'same',
    detail: `same answers on port ${o.port}${o.netns ? ' in a namespace with unprivileged low ports' : ''} (${(o.answers ?? []).map((a) => `${a.path} ${a.status}`).join(', ')})`,
  };
}
