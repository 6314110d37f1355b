import fc from 'fast-check';
import { applyChanges, Change, TextEdit } from '../../src/dockerfile/edit';

const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 400);

// Instructions of one line each; insertions land where one ends, which is where builder steps go.
const instructions = fc.array(fc.constantFrom('RUN a', 'RUN b && c', 'COPY . .', 'WORKDIR /x'), {
  minLength: 1,
  maxLength: 6,
});

const planned = fc.array(
  fc.record({
    at: fc.nat({ max: 5 }),
    kind: fc.constantFrom('instruction' as const, 'line' as const),
    order: fc.constantFrom(0, 10, 20, 30, 50, 100),
  }),
  { maxLength: 8 },
);

describe('edits that meet at one offset', () => {
  it(`keep flags on their instruction and new lines whole, in order (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(instructions, planned, fc.boolean(), (lines, plans, trailingBreak) => {
        const source = lines.join('\n') + (trailingBreak ? '\n' : '');
        const ends: number[] = [];
        let offset = 0;
        for (const l of lines) {
          offset += l.length;
          ends.push(offset);
          offset += 1;
        }
        const usable = plans.filter((p) => p.at < lines.length);
        const changes: Change[] = usable.map((p, i) => {
          const edit: TextEdit =
            p.kind === 'instruction'
              ? { start: ends[p.at], end: ends[p.at], text: ` --flag${i}`, join: 'instruction' }
              : {
                  start: ends[p.at],
                  end: ends[p.at],
                  text: `\nRUN inserted${i}`,
                  join: 'line',
                  order: p.order,
                };
          return { note: { rule: 'common/test', reason: 'a generated edit' }, edits: [edit] };
        });
        // The plans are handed over in a shuffled order: the result must not depend on it.
        const reversed = applyChanges(source, [...changes].reverse());
        const output = applyChanges(source, changes);
        const outLines = output.split('\n');
        for (const [i, p] of usable.entries()) {
          if (p.kind === 'instruction') {
            // The flag is on the line of the instruction it extends, never on an inserted line.
            const line = outLines.find((l) => l.includes(` --flag${i}`))!;
            expect(line.startsWith(lines[p.at])).toBe(true);
            expect(line).not.toMatch(/inserted/);
          } else {
            expect(outLines).toContain(`RUN inserted${i}`);
          }
        }
        // New lines after one instruction come in ascending order.
        for (let at = 0; at < lines.length; at++) {
          const here = usable
            .map((p, i) => ({ p, i }))
            .filter(({ p }) => p.kind === 'line' && p.at === at);
          const positions = here.map(({ i }) => outLines.indexOf(`RUN inserted${i}`));
          const orders = here.map(({ p }) => p.order);
          for (let j = 0; j < here.length; j++)
            for (let k = 0; k < here.length; k++)
              if (orders[j] < orders[k]) expect(positions[j]).toBeLessThan(positions[k]);
        }
        // Only the order of equal-order lines may follow the order the changes were given in.
        const strip = (t: string) =>
          t
            .split('\n')
            .map((l) => l.replace(/inserted\d+|flag\d+/g, 'X'))
            .join('\n');
        expect(strip(reversed)).toBe(strip(output));
        return true;
      }),
      { numRuns: RUNS, seed: Number(process.env.FAST_CHECK_SEED ?? 20261202) },
    );
  });

  it('refuses an insertion that does not say what it joins', () => {
    expect(() =>
      applyChanges('RUN a\n', [
        { note: { rule: 'common/test', reason: 'x' }, edits: [{ start: 5, end: 5, text: ' b' }] },
      ]),
    ).toThrow(/does not say what it joins/);
  });

  it('puts text added at the end of a replaced range after the replacement', () => {
    const out = applyChanges('FROM node:22\n', [
      {
        note: { rule: 'common/test', reason: 'x' },
        edits: [{ start: 5, end: 12, text: 'node:24' }],
      },
      {
        note: { rule: 'common/test', reason: 'y' },
        edits: [{ start: 12, end: 12, text: ' AS builder', join: 'instruction' }],
      },
    ]);
    expect(out).toBe('FROM node:24 AS builder\n');
  });
});
