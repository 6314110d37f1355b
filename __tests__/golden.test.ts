import fs from 'fs';
import path from 'path';
import { transform } from '../src/engine';
import type { TransformResult } from '../src/types';
import { FixtureCase, loadCases, readIfExists, UPDATE } from './helpers/fixtures';
import { checkProperties, goldenDiff } from './helpers/properties';

/** One line per edit rule, then `! rule` per warning: the explanation is part of the golden output. */
function rulesText(r: TransformResult): string {
  return [...r.edits.map((n) => n.rule), ...r.warnings.map((n) => `! ${n.rule}`)].join('\n') + '\n';
}

export function defineGoldenTests(scope: string): void {
  describe(`golden: ${scope}`, () => {
    const cases = loadCases(scope);
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    describe.each(cases.map((c) => [c.name, c] as [string, FixtureCase]))('%s', (_name, c) => {
      const result = transform(c.source, c.options, c.context);
      const expectedFile = path.join(c.dir, 'expected.Dockerfile');
      const rulesFile = path.join(c.dir, 'expected.rules');
      const skipFile = path.join(c.dir, 'expected.skip');
      const filesDir = path.join(c.dir, 'expected-files');

      if (UPDATE) {
        for (const f of [expectedFile, rulesFile, skipFile]) if (fs.existsSync(f)) fs.unlinkSync(f);
        fs.rmSync(filesDir, { recursive: true, force: true });
        if (result.changed) {
          fs.writeFileSync(expectedFile, result.output);
          fs.writeFileSync(rulesFile, rulesText(result));
          for (const f of result.newFiles ?? []) {
            fs.mkdirSync(filesDir, { recursive: true });
            fs.writeFileSync(path.join(filesDir, f.path), f.content);
          }
        } else if (result.skipped) {
          fs.writeFileSync(skipFile, `${result.skipped.rule}\n`);
        }
      }

      const expected = readIfExists(expectedFile);
      if (expected !== null) {
        it('matches expected.Dockerfile', () => {
          if (result.output !== expected) throw new Error(goldenDiff(expected, result.output));
        });
        it('creates the expected new files', () => {
          const want = fs.existsSync(filesDir) ? fs.readdirSync(filesDir).sort() : [];
          expect((result.newFiles ?? []).map((f) => f.path).sort()).toEqual(want);
          for (const f of result.newFiles ?? []) {
            expect(f.content).toBe(fs.readFileSync(path.join(filesDir, f.path), 'utf8'));
          }
        });
        it('explains every edit with the expected rule ids', () => {
          expect(rulesText(result)).toBe(readIfExists(rulesFile));
          for (const n of [...result.edits, ...result.warnings])
            expect(n.reason.length).toBeGreaterThan(10);
        });
        it('keeps the rewrite properties', () => {
          expect(checkProperties(c.source, result, c.options, c.context)).toEqual([]);
        });
        it('keeps CRLF line endings', () => {
          const crlf = transform(c.source.replace(/\n/g, '\r\n'), c.options, c.context);
          expect(crlf.output).toBe(expected.replace(/\n/g, '\r\n'));
        });
        it('keeps a missing final newline and a BOM', () => {
          const bare = transform('\uFEFF' + c.source.replace(/\n$/, ''), c.options, c.context);
          expect(bare.output).toBe('\uFEFF' + expected.replace(/\n$/, ''));
        });
      } else {
        it('is left unchanged with the expected reason', () => {
          expect(result.changed).toBe(false);
          expect(result.output).toBe(c.source);
          expect(result.skipped?.rule).toBe(readIfExists(skipFile)?.trim());
          expect(result.skipped?.reason.length).toBeGreaterThan(10);
        });
      }
    });
  });
}

defineGoldenTests('node');
defineGoldenTests('go');
defineGoldenTests('static');
defineGoldenTests('common');
defineGoldenTests('syntax');
