import { StageFacts } from '../dockerfile/stage';
import { Change } from '../dockerfile/edit';
import type { NewFile, Note, RuntimeFolder, Skip, Target } from '../types';
import type { ImageDefaults } from '../types';
import type { BaseImageContract } from '../templates';
import { appendFinalStage, SplitStage } from './split-stage';

export interface Plan {
  /** The target family; none for --harden, which keeps the file's own final image. */
  target?: Exclude<Target, 'auto'>;
  finalImage: string;
  /** From the final image's contract: whether /bin/sh exists there (exec form is emitted either way). */
  finalHasShell: boolean;
  /** The final image's own ENTRYPOINT, CMD, WORKDIR and USER; unset for --harden, which keeps the image. */
  finalDefaults?: ImageDefaults;
  changes: Change[];
  warnings: Note[];
  newFiles?: NewFile[];
  runtimeFolders?: RuntimeFolder[];
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; skip: Skip };

/** Appends the final stage, adds the user's note, and wraps the plan: the last step of every rewrite. */
export function completePlan(
  facts: StageFacts,
  split: SplitStage,
  body: string,
  finalNote: Note,
  userNote: Note,
  plan: Omit<Plan, 'changes'> & { changes: Change[] },
): PlanResult {
  plan.changes.push(appendFinalStage(facts, split, body, finalNote), { note: userNote, edits: [] });
  return { ok: true, plan };
}

/** What differs between Node runtimes; the rest of the rewrite is shared. */

/** An image's own settings, from its contract in templates/. */
export function defaultsOf(t: BaseImageContract): ImageDefaults {
  return { entrypoint: t.entrypoint, cmd: t.cmd, workdir: t.workdir, user: t.imageUser ?? '' };
}
