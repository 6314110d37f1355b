import type { Change } from '../../dockerfile/edit';
import { insertLines, LINE_ORDER } from '../../dockerfile/edit';
import type { RuntimeUser } from '../../common/runtime-user';
import type { SplitStage } from '../../common/split-stage';
import type { AppPaths } from '../app-paths';
import type { Production } from '../frameworks';
import { NodeWritablePlan, productionDirs } from '../runtime-needs';

/** The folders the app writes, made in the builder and copied owned by the final user; null when none. */
export function writableChange(
  app: AppPaths,
  writable: NodeWritablePlan,
  production: Production | null,
  user: RuntimeUser,
  split: SplitStage,
): Change | null {
  const w = split.writer;
  const frameworkDirs = productionDirs(production, app.appDir);
  const made = [...writable.mkdirs, ...writable.outside, ...frameworkDirs];
  const found = [
    ...writable.found,
    ...(production?.writable ?? []).map((w) => `${w} (${production!.framework} caches there)`),
  ];
  if (made.length === 0 && !writable.appRootWritable) return null;
  return {
    note: {
      rule: 'node/writable-paths',
      reason: `the app writes into ${found.join('; ')}: ${made.length > 0 ? `${made.join(', ')} made in the builder and ` : ''}copied owned by ${user.uid}:${user.gid}${writable.appRootWritable ? `, and ${app.appDir} is created by that COPY so the app can add files to it` : ''}; a host folder mounted there (docker run -v) must be writable by uid ${user.uid} too, as root's no longer is`,
    },
    edits:
      made.length > 0
        ? [
            insertLines(
              split.rootStepsEnd,
              w.line('RUN', `mkdir -p ${made.join(' ')}`),
              w,
              LINE_ORDER.rootSteps,
            ),
          ]
        : [],
  };
}
