import { GoFacts } from '../../src/go/analyze';
import { PlanResult } from '../../src/common/plan';
import { planGoRewrite } from '../../src/go/final';
import { muslCgoSkip } from '../../src/go/final/checks';
import { getTemplate, imageReference } from '../../src/templates';
import type { TransformOptions } from '../../src/types';

export const id = 'go/distroless';
export const summary =
  'Go binary: build stage + gcr.io/distroless/static-debian13:nonroot (cgo: base-debian13:nonroot)';

export default function plan(facts: GoFacts, options: TransformOptions): PlanResult {
  const cgo = facts.cgoReasons.length > 0;
  const musl = muslCgoSkip(facts, 'gcr.io/distroless/base-debian13');
  if (musl) return musl;
  // A cgo binary linked statically loads no libc either.
  const libc = cgo && !facts.staticLink;
  const t = getTemplate(libc ? 'go-distroless-base' : 'go-distroless-static');
  const finalImage = imageReference(t);
  const why = libc
    ? `final stage ${finalImage}: the binary needs cgo (${facts.cgoReasons.join('; ')}), so it gets glibc ${t.glibcVersion}; no shell`
    : cgo
      ? `final stage ${finalImage}: the binary uses cgo (${facts.cgoReasons.join('; ')}) and is linked statically (-extldflags -static), so it needs no libc; CA certificates, tzdata and /tmp are in the image; no shell`
      : `final stage ${finalImage}: a static binary needs no libc; CA certificates, tzdata and /tmp are in the image; no shell`;
  return planGoRewrite(facts, options, {
    target: 'distroless',
    template: t,
    finalImage,
    why,
    cgo,
    warnings: [],
  });
}
