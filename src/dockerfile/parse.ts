import { Argument, DockerfileParser, Dockerfile, Instruction, From } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';

/*
 * dockerfile-ast (pinned) re-scans an instruction's text into arguments on every call of
 * getRawArguments, which getArguments, getFlags, getArgumentsRange, the JSON-form constructors
 * and getBuildStage all call, several times per instruction while parsing and again whenever
 * analysis asks: half of the parse time. The text of a parsed document never changes, so the
 * scan is kept on the instruction, with the other facts analysis asks for repeatedly. Callers get
 * a fresh copy of the arguments and their ranges, because the library changes both in place (it
 * shifts flags off the array and narrows FROM's first range to the image name).
 * __tests__/parse.test.ts compares every fixture with an unpatched copy of the library.
 */
const KEPT = Symbol('dockerize-slim');
interface Kept {
  rawArguments?: Argument[];
  logical?: string;
  keyword?: string;
}
// A symbol-keyed field rather than a WeakMap: tens of thousands of WeakMap entries cost more in
// garbage collection than the scans they save.
function kept(ins: Instruction): Kept {
  const holder = ins as unknown as { [KEPT]?: Kept };
  return (holder[KEPT] ??= {});
}

const instructionProto = Instruction.prototype as unknown as {
  getRawArguments(this: Instruction): Argument[];
};
const scanRawArguments = instructionProto.getRawArguments;
instructionProto.getRawArguments = function (this: Instruction): Argument[] {
  const k = kept(this);
  k.rawArguments ??= scanRawArguments.call(this);
  return k.rawArguments.map(copyArgument);
};

/*
 * dockerfile-ast builds every range it reports with vscode-languageserver-types' Range.create,
 * which checks each of its numbers with Object.prototype.toString: 4% of a bulk run's engine
 * time. The same checks with typeof give the same ranges; anything else goes to the library's
 * own create, which returns or throws what it always did. Required, not imported: the copy
 * dockerfile-ast requires (an import would get the package's ES module build, another copy).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lsp = require('vscode-languageserver-types') as typeof import('vscode-languageserver-types');
const MAX_UINTEGER = 2147483647;
const isUinteger = (v: unknown): v is number =>
  typeof v === 'number' && 0 <= v && v <= MAX_UINTEGER;
const isPosition = (v: unknown): v is Range['start'] =>
  v !== null &&
  typeof v === 'object' &&
  isUinteger((v as Range['start']).line) &&
  isUinteger((v as Range['start']).character);
const checkedCreateRange = lsp.Range.create as (...args: unknown[]) => Range;
(lsp.Range as { create: (...args: unknown[]) => Range }).create = function create(
  one: unknown,
  two: unknown,
  three?: unknown,
  four?: unknown,
): Range {
  if (isUinteger(one) && isUinteger(two) && isUinteger(three) && isUinteger(four))
    return { start: { line: one, character: two }, end: { line: three, character: four } };
  if (isPosition(one) && isPosition(two)) return { start: one, end: two };
  return checkedCreateRange(one, two, three, four);
};

// Bound once: each use of an imported class in the bundle goes through export getters.
const ArgumentClass = Argument;

function copyArgument(a: Argument): Argument {
  const { start, end } = a.getRange();
  return new ArgumentClass(a.getValue(), {
    start: { line: start.line, character: start.character },
    end: { line: end.line, character: end.character },
  });
}

export type { Dockerfile, Instruction, From };

/** The one place that knows dockerfile-ast; everything else works with offsets into the source. */
export interface ParsedDockerfile {
  source: string;
  ast: Dockerfile;
  lineStarts: number[];
  eol: string;
  escape: string;
  /** Filled by stagesOf on first use. */
  stages?: Stage[];
}

export interface Stage {
  from: From;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(source: string): ParsedDockerfile {
  const ast = DockerfileParser.parse(source);
  return {
    source,
    ast,
    lineStarts: computeLineStarts(source),
    eol: detectEol(source),
    escape: ast.getEscapeCharacter(),
  };
}

// Same line breaks as the LSP TextDocument dockerfile-ast uses: \r\n, \r and \n.
function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

function detectEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

export function offsetAt(doc: ParsedDockerfile, pos: Range['start']): number {
  const start = doc.lineStarts[pos.line];
  if (start === undefined) return doc.source.length;
  return Math.min(start + pos.character, doc.source.length);
}

export function rangeOffsets(doc: ParsedDockerfile, range: Range): [number, number] {
  return [offsetAt(doc, range.start), offsetAt(doc, range.end)];
}

/*
 * dockerfile-ast works out an instruction's arguments, ranges and stage name anew on every call,
 * and analysis, planning, validation and the contract check each ask the same instruction for the
 * same facts, so each is kept the first time it is asked for.
 */
export function stagesOf(doc: ParsedDockerfile): Stage[] {
  return (doc.stages ??= computeStages(doc));
}

function computeStages(doc: ParsedDockerfile): Stage[] {
  const stages: Stage[] = [];
  for (const ins of doc.ast.getInstructions()) {
    if (ins instanceof From) {
      stages.push({ from: ins, name: ins.getBuildStage(), instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

export function keywordOf(ins: Instruction): string {
  const k = kept(ins);
  return (k.keyword ??= ins.getKeyword().toUpperCase());
}

/**
 * The instruction's arguments as one logical line: continuations joined and comment lines inside
 * them dropped, with the original spacing (and quoting) inside each line kept.
 */
export function logicalArguments(doc: ParsedDockerfile, ins: Instruction): string {
  const k = kept(ins);
  return (k.logical ??= computeLogicalArguments(doc, ins));
}

function computeLogicalArguments(doc: ParsedDockerfile, ins: Instruction): string {
  const range = ins.getArgumentsRange();
  if (!range) return '';
  const [start, end] = rangeOffsets(doc, range);
  const raw = doc.source.slice(start, end);
  const lines = raw.split(/\r\n|\r|\n/);
  const kept: string[] = [];
  lines.forEach((line, i) => {
    if (i > 0 && /^\s*#/.test(line)) return;
    if (i > 0 && line.trim() === '') return;
    let text = line;
    if (i < lines.length - 1 && text.trimEnd().endsWith(doc.escape)) {
      text = text.trimEnd().slice(0, -doc.escape.length);
    }
    kept.push(text);
  });
  return kept.join(' ').replace(/\s+$/, '');
}

/** Exec-form JSON array of a CMD/ENTRYPOINT/RUN/HEALTHCHECK, or null for shell form. */
export function execFormOf(
  doc: ParsedDockerfile,
  ins: Instruction,
  skipWords = 0,
): string[] | null {
  let text = logicalArguments(doc, ins).trim();
  for (let i = 0; i < skipWords; i++) text = text.replace(/^\S+\s*/, '');
  if (!text.startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    return null;
  }
  return null;
}

/** Offsets of an instruction's full extent: from the start of its first line to past its line break. */
export function instructionLineSpan(doc: ParsedDockerfile, ins: Instruction): [number, number] {
  const range = ins.getRange();
  const start = doc.lineStarts[range.start.line];
  const nextLine = doc.lineStarts[range.end.line + 1];
  return [start, nextLine === undefined ? doc.source.length : nextLine];
}
