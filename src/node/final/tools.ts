import type { Change } from '../../dockerfile/edit';
import type { SplitStage } from '../../common/split-stage';
import type { NodeFacts } from '../analyze';
import type { NodeRuntimeProfile } from './profile';

/**
 * On a final with a package manager (slim), what a tool put outside the app folder: the browsers
 * it downloaded, copied where the final user can read them with the library's variable pointing
 * there, and the browsers' system libraries, installed again by the same tool once the app (and
 * so the tool) is in place. Other finals never get here (their blockers refuse it).
 */
export function toolLines(
  facts: NodeFacts,
  split: SplitStage,
  profile: NodeRuntimeProfile,
): { lines: string[]; changes: Change[] } {
  const t = facts.tools;
  if (!profile.replicateOsPackageRuns || (t.browsers.length === 0 && t.osCommands.length === 0))
    return { lines: [], changes: [] };
  const w = split.writer;
  const lines: string[] = [];
  const said: string[] = [];
  for (const b of t.browsers) {
    lines.push(w.line('COPY', `--from=${split.builderName} ${b.cache} ${b.finalPath}`));
    lines.push(w.line('ENV', `${b.env}=${b.finalPath}`));
    said.push(
      `${b.where} put the browser in ${b.cache}, which the final user cannot read: it is copied to ${b.finalPath}, and ${b.env} points ${b.tool} there`,
    );
  }
  for (const c of t.osCommands) {
    lines.push(w.line('RUN', c.command));
    said.push(
      `${c.where} installed the browsers' shared libraries in the builder with apt: the final stage runs ${c.command} (from the app's node_modules) as root before USER`,
    );
  }
  return {
    lines,
    changes: [{ note: { rule: 'node/tool-os-packages', reason: said.join('; ') }, edits: [] }],
  };
}
