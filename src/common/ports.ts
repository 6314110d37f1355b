import type { Note } from '../types';
import { StageFacts } from '../dockerfile/stage';

/**
 * Ports below 1024 the app binds, from EXPOSE, a numeric PORT in ENV, and what the sources say
 * (listen addresses, `.listen(80)`), with where each was seen.
 */
export function lowPorts(
  facts: StageFacts,
  fromSources: Array<[number, string]>,
): Array<[number, string]> {
  const found = new Map<number, string>();
  for (const e of facts.exposes)
    for (const a of e.getArguments()) {
      const m = /^(\d+)(\/tcp|\/udp)?$/.exec(a.getValue());
      if (m) found.set(Number(m[1]), `EXPOSE ${a.getValue()}`);
    }
  const port = facts.envValues.PORT;
  if (port !== undefined && /^\d+$/.test(port)) found.set(Number(port), `ENV PORT=${port}`);
  for (const [p, where] of fromSources) if (!found.has(p)) found.set(p, where);
  return [...found].filter(([p]) => p > 0 && p < 1024).sort((a, b) => a[0] - b[0]);
}

/** The warning for a non-root final stage whose app binds below 1024. */
export function lowPortWarning(ports: Array<[number, string]>, uid: number): Note | null {
  if (ports.length === 0) return null;
  const list = ports.map(([p, where]) => `${p} (${where})`).join(', ');
  return {
    rule: 'common/low-port',
    reason: `the app binds ${list}, below 1024, as non-root uid ${uid}: that works on Docker's default bridge network (20.10+ sets ip_unprivileged_port_start=0) and containerd 2.x, and fails with host networking, Kubernetes without that sysctl and older runtimes; a port above 1023 (8080) works everywhere`,
  };
}
