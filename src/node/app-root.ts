import posix from 'path/posix';
import type { BuildContext } from '../types';
import { contextHas, contextPathOf } from '../dockerfile/copies';
import { commandCwds, StageFacts } from '../dockerfile/stage';
import type { RunStep } from '../dockerfile/stage';

/**
 * The folder of the build context whose package.json is the app's: the one that lands in the
 * WORKDIR (`COPY ./packages/server .`), else the one in the folder an install runs in
 * (`cd api && npm ci`); the context root when neither says. Returned with a trailing `/`.
 */
export function findAppRoot(
  stage: StageFacts,
  context: BuildContext,
  installRuns: Array<{ run: RunStep; index: number }>,
): string {
  const candidates = [
    stage.workdir ?? '/',
    ...installRuns.map(({ run, index }) => commandCwds(run)[index]),
  ];
  for (const dir of candidates) {
    const ctx = contextPathOf(stage, context.paths, posix.join(dir, 'package.json'));
    if (ctx !== null && contextHas(context.paths, ctx) === 'file') {
      const folder = posix.dirname(ctx);
      return folder === '.' ? '' : folder + '/';
    }
  }
  return '';
}

/** The context as seen from an app folder: its paths and files, relative to that folder. */
export function rootedContext(context: BuildContext, prefix: string): BuildContext {
  if (prefix === '') return context;
  const strip = (p: string) => p.slice(prefix.length);
  return {
    paths: context.paths.filter((p) => p.startsWith(prefix) && p !== prefix).map(strip),
    files: Object.fromEntries(
      Object.entries(context.files)
        .filter(([p]) => p.startsWith(prefix))
        .map(([p, t]) => [strip(p), t]),
    ),
    opaque: (context.opaque ?? []).filter((p) => p.startsWith(prefix)).map(strip),
    truncated: context.truncated,
    ...(context.mounts ? { mounts: context.mounts } : {}),
  };
}
