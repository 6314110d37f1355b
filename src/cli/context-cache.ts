import type { BuildContext } from '../types';
import type { DirIndex } from './dir-index';
import type { Io } from './io';
import { readBuildContext } from './read-context';

/**
 * Build contexts read in this thread, by folder: the Dockerfiles of one context (Dockerfile,
 * Dockerfile.dev, services a compose file builds from the repository root) read its files and
 * list its folders once, and get the same objects, which the engine never changes
 * (__tests__/cli/context-sharing.test.ts). Discovery walks in path order and the pool hands a
 * folder's files to one thread, so the few most recent contexts are all there is to keep. Only
 * for dry runs: a run that writes may change a context between two of its Dockerfiles.
 */
export class ContextCache {
  /** Least recently used first (a Map keeps insertion order). */
  private readonly byRoot = new Map<string, BuildContext>();

  constructor(
    private readonly io: Io,
    private readonly dirs: DirIndex | undefined,
    private readonly capacity = 4,
  ) {}

  read(root: string, knownSizes?: Record<string, number>): BuildContext {
    let context = this.byRoot.get(root);
    if (context) this.byRoot.delete(root);
    else context = readBuildContext(root, this.io, this.dirs, knownSizes);
    this.byRoot.set(root, context);
    if (this.byRoot.size > this.capacity)
      this.byRoot.delete(this.byRoot.keys().next().value as string);
    return context;
  }
}
