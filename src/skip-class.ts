import type { RuleId, Skip, SkipClass } from './types';

/**
 * The class of each skip rule, for grouping skips in summaries and reports. A planner that knows
 * better for one case sets `class` on the skip itself; a rule not listed here is `unsupported`.
 */
const CLASS_OF_RULE: Partial<Record<RuleId, SkipClass>> = {
  'common/copy-source-missing': 'cannot-build',
  'common/package-manager-distro': 'cannot-build',
  'common/exec-form-one-string': 'cannot-build',
  'go/no-go-mod': 'cannot-build',
  'node/lockfile-missing': 'cannot-build',
  'node/start-file-missing': 'cannot-build',
  'node/required-file-missing': 'cannot-build',
  'node/install-script-input-missing': 'cannot-build',
  'node/openssl-legacy-build': 'cannot-build',
  'node/build-output-missing': 'cannot-build',
  'node/package-manager-missing': 'cannot-build',
  'node/package-undeclared': 'cannot-build',
  'go/relative-import': 'cannot-build',
  'go/no-go-files': 'cannot-build',
  'go/vendor-missing': 'cannot-build',
  'go/get-outside-module': 'cannot-build',
  'go/toolchain-too-old': 'cannot-build',
  'go/imports-unavailable': 'cannot-build',
  'go/build-file-missing': 'cannot-build',
  'go/package-not-copied': 'cannot-build',
  'go/get-no-install': 'cannot-build',
  'node/dev-server-start': 'development',
  'go/dev-server-start': 'development',
  'common/validate-output': 'unsafe',
  'common/github-action': 'unsafe',
  'go/exec-programs': 'unsafe',
  'go/runtime-os-packages': 'unsafe',
  'go/cgo-on-scratch': 'unsafe',
  'go/cgo-libc': 'unsafe',
  'node/distroless-final-stage': 'unsafe',
  'node/devdependency-start': 'unsafe',
};

export const SKIP_CLASSES: readonly SkipClass[] = [
  'cannot-build',
  'development',
  'unsafe',
  'unsupported',
];

/** How each class reads in a summary: "3 cannot build or start as they are". */
export const SKIP_CLASS_LABELS: Record<SkipClass, string> = {
  'cannot-build': 'cannot build or start as they are',
  development: 'development containers',
  unsafe: 'unsafe to rewrite',
  unsupported: 'not supported',
};

export function classOfSkip(skip: Skip): SkipClass {
  return skip.class ?? CLASS_OF_RULE[skip.rule] ?? 'unsupported';
}
