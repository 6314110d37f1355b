import { GoFacts } from '../../src/go/analyze';
import { PlanResult } from '../../src/common/plan';
import { planGoRewrite } from '../../src/go/final';
import { getTemplate, imageReference } from '../../src/templates';
import type { Note, TransformOptions } from '../../src/types';

export const id = 'go/scratch';
export const summary =
  'Go static binary: build stage + scratch, with CA bundle, tzdata and /tmp handled and a numeric USER';

export default function plan(facts: GoFacts, options: TransformOptions): PlanResult {
  // A cgo binary linked statically (-extldflags -static) loads no libc, and runs on scratch.
  if (facts.cgoReasons.length > 0 && !facts.staticLink) {
    return {
      ok: false,
      skip: {
        rule: 'go/cgo-on-scratch',
        reason: `the binary needs cgo (${facts.cgoReasons.join('; ')}), so it links libc dynamically and would fail on scratch with "no such file or directory"`,
        suggestion: '--target distroless (base-debian13 has glibc)',
      },
    };
  }
  const t = getTemplate('go-scratch');
  const warnings: Note[] = [];
  if (facts.sources.usesOsUser) {
    warnings.push({
      rule: 'go/scratch-final-stage',
      reason: 'the code imports os/user, and scratch has no /etc/passwd: user lookups will fail',
    });
  }
  return planGoRewrite(facts, options, {
    target: 'scratch',
    template: t,
    finalImage: imageReference(t),
    why: 'final stage scratch: only the static binary (and what it needs) is in the image; numeric USER since scratch has no /etc/passwd',
    // Keeps cgo on for a statically linked cgo binary (CGO_ENABLED=0 would drop its C code).
    cgo: facts.cgoReasons.length > 0,
    warnings,
  });
}
