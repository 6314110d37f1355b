import type { Io } from './io';

export interface Colors {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

const ON: Colors = {
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
  bold: wrap(1, 22),
  dim: wrap(2, 22),
};
export const NO_COLORS: Colors = {
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
  bold: (s) => s,
  dim: (s) => s,
};

/** --color/--no-color win; then NO_COLOR and FORCE_COLOR as Node reads them; then whether the stream is a terminal. */
export function pickColors(flag: boolean | undefined, io: Io, stream: 'stdout' | 'stderr'): Colors {
  if (flag !== undefined) return flag ? ON : NO_COLORS;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? NO_COLORS : ON;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return NO_COLORS;
  if (io.env.TERM === 'dumb') return NO_COLORS;
  return io[stream].isTTY ? ON : NO_COLORS;
}
