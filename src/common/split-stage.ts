import { Instruction } from 'dockerfile-ast';
import { StageFacts } from '../dockerfile/stage';
import {
  Change,
  extendInstruction,
  insertLines,
  instructionText,
  LINE_ORDER,
  LineWriter,
  mergeDeletions,
  removalSpan,
  TextEdit,
} from '../dockerfile/edit';
import { keywordOf, rangeOffsets } from '../dockerfile/parse';
import type { Note } from '../types';

export const BUILDER_STAGE = 'builder';

/** Instructions that describe how the image runs; they belong to the final stage, not the builder. */
const RUNTIME_KEYWORDS = new Set([
  'CMD',
  'ENTRYPOINT',
  'EXPOSE',
  'HEALTHCHECK',
  'STOPSIGNAL',
  'VOLUME',
]);

export interface SplitStage {
  builderName: string;
  changes: Change[];
  writer: LineWriter;
  /** Original text (with the comments above it) of each moved instruction, by instruction. */
  moved: Map<Instruction, string>;
  /** The comment lines above each moved instruction, for instructions that are re-written. */
  comments: Map<Instruction, string>;
  /** Where the kept text ends once the moved instructions are gone. */
  keptEnd: number;
  /** The end of the last instruction that stays in the builder: where builder steps are added. */
  builderEnd: number;
  /**
   * Where steps that need root go (making folders in /): before the builder's first USER, which
   * would run them as that user (a real Dockerfile ends its stage with `USER 1001`).
   */
  rootStepsEnd: number;
}

export interface BuilderImageSwap {
  image: string;
  note: Note;
  /** Text inserted after the FROM line (e.g. a USER line). */
  after?: string;
}

/** Names the single stage `builder` (or keeps its name) and takes the runtime instructions out of it. */
export interface SplitOptions {
  swap?: BuilderImageSwap;
  /** Builder instructions that serve no purpose once the final stage exists, dropped with a reason. */
  drop?: { instructions: Instruction[]; note: Note };
}

export function splitStage(facts: StageFacts, options: SplitOptions = {}): SplitStage {
  const { swap, drop } = options;
  const { doc, stage } = facts;
  const writer = new LineWriter(doc);
  const changes: Change[] = [];
  const builderName = stage.name ?? BUILDER_STAGE;
  const imageArg = stage.from.getArguments()[0];
  const [imageStart, imageEnd] = rangeOffsets(doc, imageArg.getRange());
  const suffix = stage.name === null ? ` ${writer.kw('AS')} ${BUILDER_STAGE}` : '';
  if (swap) {
    const [, fromEnd] = rangeOffsets(doc, stage.from.getRange());
    const edits: TextEdit[] = [{ start: imageStart, end: imageEnd, text: swap.image + suffix }];
    if (swap.after) edits.push(insertLines(fromEnd, swap.after, writer, LINE_ORDER.builderImage));
    changes.push({ note: swap.note, edits });
  } else if (suffix !== '') {
    changes.push({
      note: {
        rule: 'common/name-build-stage',
        reason: `the original stage becomes the build stage "${BUILDER_STAGE}"`,
      },
      edits: [extendInstruction(imageEnd, suffix)],
    });
  }
  const moved = new Map<Instruction, string>();
  const comments = new Map<Instruction, string>();
  let keptEnd = doc.source.length;
  const removals = stage.instructions.filter((ins) => RUNTIME_KEYWORDS.has(keywordOf(ins)));
  const dropped = drop?.instructions ?? [];
  if (removals.length > 0 || dropped.length > 0) {
    const edits = mergeDeletions(
      doc.source,
      [...removals, ...dropped].map((ins) => {
        const span = removalSpan(doc, ins);
        const above = span.comments.map((c) => c + writer.eol).join('');
        comments.set(ins, above);
        moved.set(ins, above + instructionText(doc, ins));
        return span;
      }),
    );
    const tail = edits[edits.length - 1];
    if (tail.end === doc.source.length) keptEnd = tail.start;
    const names = [...new Set(removals.map((i) => keywordOf(i)))].join(', ');
    const moveNote: Note = {
      rule: 'common/move-runtime-to-final',
      reason: `${names} moved from the build stage to the final stage`,
    };
    changes.push({ note: removals.length > 0 ? moveNote : drop!.note, edits });
    if (removals.length > 0 && drop && dropped.length > 0)
      changes.push({ note: drop.note, edits: [] });
  }
  const kept = stage.instructions.filter(
    (ins) => !RUNTIME_KEYWORDS.has(keywordOf(ins)) && !dropped.includes(ins),
  );
  const [, builderEnd] = rangeOffsets(doc, (kept[kept.length - 1] ?? stage.from).getRange());
  const firstUser = kept.findIndex((ins) => keywordOf(ins) === 'USER');
  const rootStepsEnd =
    firstUser === -1
      ? builderEnd
      : rangeOffsets(doc, (kept[firstUser - 1] ?? stage.from).getRange())[1];
  return { builderName, changes, writer, moved, comments, keptEnd, builderEnd, rootStepsEnd };
}

/** Appends the final stage after the last line, keeping whether the file ended with a line break. */
export function appendFinalStage(
  facts: StageFacts,
  split: SplitStage,
  body: string,
  note: Note,
): Change {
  const source = facts.doc.source;
  const writer = split.writer;
  const endsWithBreak = /(\r\n|\r|\n)$/.test(source);
  // One blank line between the stages, whatever the kept text already ends with.
  const kept = source.slice(0, split.keptEnd);
  const keptEndsWithBreak = /(\r\n|\r|\n)$/.test(kept);
  const lastLineGone = kept.replace(/(\r\n|\n|\r)$/, '');
  const keptEndsBlank = keptEndsWithBreak && /(\r\n|\n|\r)[ \t]*$/.test(lastLineGone);
  let text = (keptEndsWithBreak ? '' : writer.eol) + (keptEndsBlank ? '' : writer.eol) + body;
  if (!endsWithBreak) text = text.replace(/(\r\n|\n)$/, '');
  // Last of everything inserted at the end of the file: builder lines go before the new stage.
  return {
    note,
    edits: [
      {
        start: source.length,
        end: source.length,
        text,
        join: 'line',
        order: LINE_ORDER.finalStage,
      },
    ],
  };
}

/**
 * ENV, LABEL, EXPOSE, VOLUME and STOPSIGNAL of the original stage, re-emitted for the final stage
 * (with ARG re-declarations for the build arguments they reference, which a new stage loses).
 */
export function carriedRuntimeLines(
  facts: StageFacts,
  split: SplitStage,
  options: { dropEnv?: (name: string) => boolean } = {},
): {
  env: string;
  tail: string;
  envNames: string[];
} {
  const { doc } = facts;
  const w = split.writer;
  const envParts: string[] = [];
  const envNames: string[] = [];
  const referenced = new Set<string>();
  // ENV A=${A} reads the A of before the instruction (an ARG): only an earlier ENV defines it.
  const definedBefore = new Set<string>();
  for (const env of facts.envs) {
    const props = env.getProperties();
    const kept = props.filter((p) => !options.dropEnv?.(p.getName()));
    for (const v of env.getVariables())
      if (!definedBefore.has(v.getName())) referenced.add(v.getName());
    for (const p of props) definedBefore.add(p.getName());
    if (kept.length === 0) continue;
    envNames.push(...kept.map((p) => p.getName()));
    const text =
      kept.length === props.length
        ? instructionText(doc, env)
        : w
            .line(
              'ENV',
              kept.map((p) => doc.source.slice(...rangeOffsets(doc, p.getRange()))).join(' '),
            )
            .trimEnd();
    envParts.push(text + w.eol);
  }
  for (const ins of [...facts.labels, ...facts.exposes, ...facts.volumes]) {
    for (const v of ins.getVariables())
      if (!envNames.includes(v.getName())) referenced.add(v.getName());
  }
  const argLines: string[] = [];
  const stageArgNames = new Map(facts.args.map((a) => [a.getProperty()?.getName(), a] as const));
  for (const name of referenced) {
    const stageArg = stageArgNames.get(name);
    if (stageArg) argLines.push(instructionText(doc, stageArg) + w.eol);
    else if (name in facts.globalArgs) argLines.push(w.line('ARG', name));
  }
  const tailParts: string[] = [];
  if (facts.maintainer) tailParts.push(instructionText(doc, facts.maintainer) + w.eol);
  for (const label of facts.labels) tailParts.push(instructionText(doc, label) + w.eol);
  for (const ins of [...facts.exposes, ...facts.volumes])
    tailParts.push(movedText(split, ins) + w.eol);
  if (facts.stopSignal) tailParts.push(movedText(split, facts.stopSignal) + w.eol);
  return { env: argLines.join('') + envParts.join(''), tail: tailParts.join(''), envNames };
}

export function movedText(split: SplitStage, ins: Instruction): string {
  const text = split.moved.get(ins);
  if (text === undefined)
    throw new Error(`instruction on line ${ins.getRange().start.line + 1} was not moved`);
  return text;
}

/** The comment lines that stood above ENTRYPOINT and CMD, for the re-written start instructions. */
export function startComments(facts: StageFacts, split: SplitStage): string {
  return [facts.entrypoint, facts.cmd]
    .map((i) => (i ? (split.comments.get(i) ?? '') : ''))
    .join('');
}
