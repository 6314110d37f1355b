import fs from 'fs';
import type { Io } from './io';

/** Repository files the tool reads for itself (compose files, configs, ignore files) at most. */
export const MAX_SIDE_FILE_BYTES = 1024 * 1024;

// No following a symlink at open, and no waiting on a FIFO that has no writer.
const OPEN_FLAGS =
  fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * A file of a repository the tool does not trust, read only when it is a regular file (not a
 * symlink, FIFO or device, which could point anywhere or block) of at most `maxBytes`. Callers
 * ask only for names a folder listing showed as regular files; the check after opening covers a
 * file swapped since, with one open, one fstat and the reads, the fewest system calls there are.
 */
export function readRegularFile(
  io: Io,
  file: string,
  maxBytes = MAX_SIDE_FILE_BYTES,
  /** Given, gets the size of the regular file opened (read or too large). */
  stat?: { size?: number },
): string | undefined {
  let fd: number;
  try {
    fd = io.fs.openSync(file, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const st = io.fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (stat) stat.size = st.size;
    if (st.size > maxBytes) return undefined;
    return readOpened(io, fd, st.size).toString('utf8');
  } catch {
    return undefined;
  } finally {
    io.fs.closeSync(fd);
  }
}

/** Up to `size` bytes of an open file, from its start (fewer if it shrank since its fstat). */
export function readOpened(io: Io, fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const n = io.fs.readSync(fd, buf, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return buf.subarray(0, read);
}
