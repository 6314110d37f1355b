import type { BuildContext } from '../types';
import type { DirIndex } from './dir-index';
import type { Io } from './io';
import { readBuildContext } from './read-context';
import { Recent } from './recent';

/**
 * Build contexts read in this thread, by folder: the Dockerfiles of one context (Dockerfile,
 * Dockerfile.dev, services a compose file builds from the repository root) read its files and
 * list its folders once, and get the same objects, which the engine never changes
 * (__tests__/cli/context-sharing.test.ts). Discovery walks in path order and the pool hands a
 * folder's files to one thread, so the few most recent contexts are all there is to keep. Only
 * for dry runs: a run that writes may change a context between two of its Dockerfiles.
 */
export class ContextCache {
  private readonly byRoot = new Recent<string, BuildContext>(4);

  constructor(
    private readonly io: Io,
    private readonly dirs: DirIndex | undefined,
  ) {}

  read(root: string, knownSizes?: Record<string, number>): BuildContext {
    let context = this.byRoot.get(root);
    if (context === undefined) {
      context = readBuildContext(root, this.io, this.dirs, knownSizes);
      this.byRoot.set(root, context);
    }
    return context;
  }
}
