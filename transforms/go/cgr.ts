import { GoFacts } from '../../src/go/analyze';
import { PlanResult } from '../../src/common/plan';
import { planGoRewrite } from '../../src/go/final';
import { muslCgoSkip } from '../../src/go/final/checks';
import { getTemplate, imageReference } from '../../src/templates';
import type { TransformOptions } from '../../src/types';

export const id = 'go/cgr';
export const summary =
  'Go binary on Chainguard: build stage + cgr.dev/chainguard/static:latest (cgo: glibc-dynamic:latest)';

export default function plan(facts: GoFacts, options: TransformOptions): PlanResult {
  const cgo = facts.cgoReasons.length > 0;
  const musl = muslCgoSkip(facts, 'cgr.dev/chainguard/glibc-dynamic');
  if (musl) return musl;
  // A cgo binary linked statically loads no libc either.
  const libc = cgo && !facts.staticLink;
  const t = getTemplate(libc ? 'go-chainguard-glibc-dynamic' : 'go-chainguard-static');
  const finalImage = imageReference(t);
  return planGoRewrite(facts, options, {
    target: 'cgr',
    template: t,
    finalImage,
    why: libc
      ? `final stage ${finalImage}: the binary needs cgo (${facts.cgoReasons.join('; ')}), so it gets glibc ${t.glibcVersion}; the builder stays ${facts.base.tag}`
      : `final stage ${finalImage}: a static binary; CA certificates and tzdata are in the image; the builder stays golang:${facts.base.tag}`,
    cgo,
    warnings: [],
  });
}
