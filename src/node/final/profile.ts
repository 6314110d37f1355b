import type { BaseImageContract } from '../../templates';
import type { Note } from '../../types';

export interface NodeRuntimeProfile {
  target: 'distroless' | 'cgr' | 'slim';
  template: BaseImageContract;
  finalImage: string;
  /** Why this image: shown as the final stage's reason. */
  why: string;
  /** CMD words given node's arguments (distroless/cgr: ENTRYPOINT is node already). */
  cmdFor(nodeArgs: string[]): string[];
  /** Replace the builder's base image (cgr: latest-dev) and run it as root like the original. */
  builderImage?: string;
  /** Re-run the OS package installs in the final stage (slim keeps a shell and a package manager). */
  replicateOsPackageRuns: boolean;
  warnings: Note[];
}
