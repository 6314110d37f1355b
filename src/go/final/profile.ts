import type { BaseImageContract } from '../../templates';
import type { Note } from '../../types';

export interface GoRuntimeProfile {
  target: 'distroless' | 'scratch' | 'cgr';
  template: BaseImageContract;
  finalImage: string;
  why: string;
  /** The binary links libc dynamically (cgo) and the image provides it. */
  cgo: boolean;
  warnings: Note[];
}
