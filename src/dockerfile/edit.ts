import MagicString from 'magic-string';
import { Instruction } from 'dockerfile-ast';
import { instructionLineSpan, ParsedDockerfile, rangeOffsets } from './parse';
import type { Note } from '../types';

/** Replace `[start, end)` with `text`; an insertion when `start === end`. Offsets into the original. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /**
   * What an insertion belongs to, which decides its place among insertions at the same offset:
   * `instruction` text extends the instruction that ends there (a flag on its last command) and
   * comes first; `line` text is new instructions after it, placed by `order`. Required for
   * insertions: two transforms inserting at one offset must never depend on the order they ran in.
   */
  join?: 'instruction' | 'line';
  /** Among `line` insertions at one offset, lower first; ties keep the order given. */
  order?: number;
}

/**
 * Where new builder lines stand when several land after one instruction: steps that need root
 * (folders made before the builder's USER), then build steps, then the prune of devDependencies,
 * then the assembly of the runtime folder, which must see everything the others made.
 */
export const LINE_ORDER = {
  builderImage: 0,
  rootSteps: 10,
  build: 20,
  prune: 30,
  user: 40,
  runtimeFolder: 50,
  finalStage: 100,
} as const;

/** New instructions inserted at `at` (the end of an instruction's text), each on a line of its own. */
export function insertLines(
  at: number,
  lines: string,
  writer: LineWriter,
  order: number,
): TextEdit {
  return {
    start: at,
    end: at,
    text: writer.eol + lines.replace(/(\r\n|\n|\r)$/, ''),
    join: 'line',
    order,
  };
}

/** Text added to the instruction whose text covers `at` (a flag, an argument). */
export function extendInstruction(at: number, text: string): TextEdit {
  return { start: at, end: at, text, join: 'instruction' };
}

/** A change the user sees: one rule id and reason, carried out by one or more text edits. */
export interface Change {
  note: Note;
  edits: TextEdit[];
}

export function applyChanges(source: string, changes: Change[]): string {
  const s = new MagicString(source);
  const edits = changes.flatMap((c) => c.edits);
  const replaced = edits.filter((e) => e.end > e.start).sort((a, b) => a.start - b.start);
  for (let i = 1; i < replaced.length; i++) {
    if (replaced[i].start < replaced[i - 1].end) {
      throw new Error(`overlapping edits at ${replaced[i].start}: a transform bug`);
    }
  }
  for (const e of replaced) {
    if (e.text === '') s.remove(e.start, e.end);
    else s.overwrite(e.start, e.end, e.text);
  }
  // Insertions after the replacements, so text appended at the end of a replaced range follows it;
  // at one offset: what extends the instruction first, then new lines by their order.
  const inserted = edits.filter((e) => e.end === e.start);
  for (const e of inserted)
    if (e.join === undefined)
      throw new Error(`insertion at ${e.start} does not say what it joins: a transform bug`);
  const rank = (e: TextEdit) => (e.join === 'instruction' ? -Infinity : (e.order ?? 0));
  const ordered = inserted
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || rank(a.e) - rank(b.e) || a.i - b.i);
  for (const { e } of ordered) s.appendLeft(e.start, e.text);
  return s.toString();
}

/** Merges overlapping or touching deletions into one edit each (magic-string rejects overlaps). */
export function mergeDeletions(
  source: string,
  spans: Array<{ start: number; end: number }>,
): TextEdit[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: TextEdit[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end, text: '' });
  }
  // Deleting the last lines of a file with no final newline takes the line break before them too,
  // so the file still ends the way it did.
  const tail = merged[merged.length - 1];
  if (tail && tail.end === source.length && tail.start > 0 && !/(\r\n|\r|\n)$/.test(source)) {
    tail.start -= source.slice(0, tail.start).endsWith('\r\n') ? 2 : 1;
  }
  return merged;
}

/** Emits new instructions in the file's own style: its line ending and its keyword casing. */
export class LineWriter {
  readonly eol: string;
  private readonly lowercase: boolean;

  constructor(doc: ParsedDockerfile) {
    this.eol = doc.eol;
    const keywords = doc.ast.getInstructions().map((i) => i.getInstruction());
    const lower = keywords.filter((k) => k === k.toLowerCase()).length;
    this.lowercase = keywords.length > 0 && lower > keywords.length / 2;
  }

  kw(keyword: string): string {
    return this.lowercase ? keyword.toLowerCase() : keyword.toUpperCase();
  }

  line(keyword: string, args: string): string {
    return `${this.kw(keyword)} ${args}${this.eol}`;
  }

  exec(keyword: string, words: string[]): string {
    return this.line(keyword, execArray(words));
  }
}

export function execArray(words: string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/** The instruction's original text from its keyword to the end of its last line (no line break). */
export function instructionText(doc: ParsedDockerfile, ins: Instruction): string {
  const [start, end] = rangeOffsets(doc, ins.getRange());
  return doc.source.slice(start, end);
}

/**
 * The span to delete to remove an instruction: its lines plus the comment lines directly above it
 * (they describe it and move with it). Returns the span and the comment text.
 */
export function removalSpan(
  doc: ParsedDockerfile,
  ins: Instruction,
): { start: number; end: number; comments: string[] } {
  const [start, end] = instructionLineSpan(doc, ins);
  const firstLine = ins.getRange().start.line;
  const comments: string[] = [];
  let line = firstLine - 1;
  let spanStart = start;
  while (line >= 0) {
    const text = lineText(doc, line);
    if (!/^\s*#/.test(text) || isDirectiveLine(doc, line)) break;
    comments.unshift(text);
    spanStart = doc.lineStarts[line];
    line--;
  }
  return { start: spanStart, end, comments };
}

function isDirectiveLine(doc: ParsedDockerfile, line: number): boolean {
  return doc.ast.getDirectives().some((d) => d.getRange().start.line === line);
}

export function lineText(doc: ParsedDockerfile, line: number): string {
  const start = doc.lineStarts[line];
  const next = doc.lineStarts[line + 1];
  return doc.source
    .slice(start, next === undefined ? doc.source.length : next)
    .replace(/\r?\n$|\r$/, '');
}
