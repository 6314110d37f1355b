import fs from 'fs';
import path from 'path';
import { keywordOf, logicalArguments, parseDockerfile, stagesOf } from '../../src/dockerfile/parse';
import { FIXTURES } from '../helpers/fixtures';

const ROOT = path.join(__dirname, '..', '..');

// src/dockerfile/parse.ts keeps dockerfile-ast's argument scan on each instruction. Every fact the
// library offers must come out the same as from an unpatched copy, for every Dockerfile the tests
// know: the fixtures' inputs and expected outputs, and the examples.
type Pristine = typeof import('dockerfile-ast');
let pristine: Pristine;
jest.isolateModules(() => {
  pristine = jest.requireActual('dockerfile-ast') as Pristine;
});

const GETTERS = [
  'getKeyword',
  'getRange',
  'getInstructionRange',
  'getArgumentsRange',
  'getArgumentsRanges',
  'getArgumentsContent',
  'getRawArgumentsContent',
  'getArguments',
  'getExpandedArguments',
  'getVariables',
  'getFlags',
  'getJSONStrings',
  'getOpeningBracket',
  'getClosingBracket',
  'getBuildStage',
  'getBuildStageRange',
  'getImage',
  'getImageName',
  'getImageTag',
  'getImageDigest',
  'getPlatformFlag',
  'getProperties',
  'getHeredocs',
  'getSubcommand',
  'getTriggerInstruction',
  'getPath',
];

/** Every getter of every instruction, as JSON without the back references to the document. */
function facts(doc: { getInstructions(): unknown[] }): string {
  return JSON.stringify(
    doc.getInstructions().map((ins) => {
      const out: Record<string, unknown> = {};
      for (const g of GETTERS) {
        const fn = (ins as Record<string, unknown>)[g];
        if (typeof fn === 'function') out[g] = (fn as () => unknown).call(ins);
      }
      return out;
    }),
    (key, value: unknown) => (key === 'document' || key === 'dockerfile' ? undefined : value),
  );
}

function dockerfiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'context' && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && /(^|\.)Dockerfile$/.test(e.name)) out.push(p);
    }
  };
  walk(FIXTURES);
  walk(path.join(ROOT, 'examples'));
  return out.sort();
}

describe('the kept argument scan', () => {
  const files = dockerfiles();

  it('covers the fixtures and examples', () => {
    expect(files.length).toBeGreaterThan(300);
  });

  it.each(files.map((f) => [path.relative(ROOT, f)]))(
    '%s: same facts as unpatched dockerfile-ast',
    (rel) => {
      const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
      const ours = parseDockerfile(text).ast;
      expect(facts(ours)).toBe(facts(pristine.DockerfileParser.parse(text)));
      // Asked twice: the kept results are not changed by the library's callers.
      expect(facts(ours)).toBe(facts(pristine.DockerfileParser.parse(text)));
    },
  );

  it('keeps stages, keywords and logical arguments per document', () => {
    const doc = parseDockerfile('FROM node:22 AS build\nRUN npm ci \\\n  # note\n  --omit=dev\n');
    expect(stagesOf(doc)).toBe(stagesOf(doc));
    const run = stagesOf(doc)[0].instructions[0];
    expect(keywordOf(run)).toBe('RUN');
    expect(logicalArguments(doc, run)).toBe('npm ci    --omit=dev');
    expect(logicalArguments(doc, run)).toBe('npm ci    --omit=dev');
  });
});
