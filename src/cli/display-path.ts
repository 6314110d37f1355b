import path from 'path';
import type { Io } from './io';

/** A path as shown to the user: relative to the working directory when inside it, with slashes. */
export function displayPath(file: string, io: Io): string {
  const rel = path.relative(io.cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}
