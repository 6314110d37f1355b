import crypto from 'crypto';
import path from 'path';
import { DockerizeError } from '../errors';
import { describeFsError } from './discover';
import type { Io } from './io';

export function contentHash(bytes: Buffer | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Replaces a file atomically: a temporary file in the same folder (same mode), fsync, rename.
 * A symlink is followed and its target replaced, never the link. If the file changed since it was
 * read (its hash differs), nothing is written. The temporary file is removed on every failure.
 */
export function writeAtomic(file: string, content: string, expectedHash: string, io: Io): void {
  let target: string;
  try {
    target = io.fs.realpathSync(file);
  } catch (e) {
    throw new DockerizeError('E_WRITE', `cannot write: ${describeFsError(e)}`);
  }
  let current: Buffer;
  let mode: number;
  try {
    current = io.fs.readFileSync(target);
    mode = io.fs.statSync(target).mode & 0o7777;
  } catch (e) {
    throw new DockerizeError('E_WRITE', `cannot write: ${describeFsError(e)}`);
  }
  if (contentHash(current) !== expectedHash) {
    throw new DockerizeError('E_CONFLICT', 'changed on disk since it was read; not overwritten');
  }
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}.dockerize-slim-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  let fd: number | null = null;
  try {
    fd = io.fs.openSync(temp, 'wx', mode);
    io.fs.writeSync(fd, content);
    io.fs.fsyncSync(fd);
    io.fs.closeSync(fd);
    fd = null;
    io.fs.chmodSync(temp, mode);
    io.fs.renameSync(temp, target);
  } catch (e) {
    if (fd !== null) {
      try {
        io.fs.closeSync(fd);
      } catch {
        // Already failing; the unlink below is what matters.
      }
    }
    try {
      io.fs.unlinkSync(temp);
    } catch {
      // The temporary file may never have been created.
    }
    throw new DockerizeError('E_WRITE', `cannot write: ${describeFsError(e)}`);
  }
}
