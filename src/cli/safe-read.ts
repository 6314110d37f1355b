import type { Io } from './io';

/** Repository files the tool reads for itself (compose files, configs, ignore files) at most. */
export const MAX_SIDE_FILE_BYTES = 1024 * 1024;

/**
 * A file of a repository the tool does not trust, read only when it is a regular file (not a
 * symlink, FIFO or device, which could point anywhere or block) of at most `maxBytes`.
 */
export function readRegularFile(
  io: Io,
  file: string,
  maxBytes = MAX_SIDE_FILE_BYTES,
): string | undefined {
  try {
    const st = io.fs.lstatSync(file);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return io.fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
