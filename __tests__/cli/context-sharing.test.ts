import { transform } from '../../src/engine';
import type { TransformOptions } from '../../src/types';
import { loadCases } from '../helpers/fixtures';

/**
 * The CLI reads a build context once and hands the same objects to every Dockerfile that uses it
 * (src/cli/context-cache.ts), so the engine must never change the context it is given: here every
 * fixture's context is frozen, all the way down, and the results must be those of a fresh copy.
 */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const OPTION_SETS: TransformOptions[] = [{}, { minimal: true }, { harden: true }];

describe('the engine leaves its build context as it was', () => {
  for (const scope of ['common', 'node', 'go', 'static', 'syntax']) {
    it(`every ${scope} fixture, with each option set`, () => {
      for (const c of loadCases(scope)) {
        const shared = deepFreeze(structuredClone(c.context));
        for (const options of [c.options, ...OPTION_SETS]) {
          const outcome = (context: typeof c.context) => {
            try {
              return transform(c.source, options, context);
            } catch (e) {
              return { threw: (e as Error).message };
            }
          };
          const got = JSON.stringify({ name: c.name, result: outcome(shared) });
          const want = JSON.stringify({
            name: c.name,
            result: outcome(structuredClone(c.context)),
          });
          if (got !== want) expect(got).toBe(want);
        }
      }
    });
  }
});
