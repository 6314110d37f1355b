import path from 'path';
import { DockerizeError } from '../errors';
import { describeFsError } from './discover';
import type { Io } from './io';

/** write(2) may write less than asked (a filling disk does that): loop until all of it is down. */
function writeAll(io: Io, fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = io.fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    offset += written;
  }
}

/**
 * Replaces a file atomically: a temporary file in the same folder (same mode), fsync, rename.
 * A symlink is followed and its target replaced, never the link. If the file changed since it was
 * read (its bytes differ from `expected`), nothing is written. The temporary file is removed on every failure.
 */
export function writeAtomic(file: string, content: string, expected: string, io: Io): void {
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
  if ((mode & 0o222) === 0) {
    throw new DockerizeError(
      'E_WRITE',
      'the file is read-only (no write permission bits); not written',
    );
  }
  if (!current.equals(Buffer.from(expected, 'utf8'))) {
    throw new DockerizeError('E_CONFLICT', 'changed on disk since it was read; not overwritten');
  }
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}.dockerize-slim-${process.pid}-${Math.random().toString(16).slice(2, 10)}.tmp`,
  );
  let fd: number | null = null;
  try {
    fd = io.fs.openSync(temp, 'wx', mode);
    writeAll(io, fd, Buffer.from(content, 'utf8'));
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

/**
 * Creates a new file atomically without ever replacing one: temporary file, then a hard link to
 * the final name (which fails if the name exists), then the temporary name is removed. A file
 * already there with the same content counts as done.
 */
export function createAtomic(file: string, content: string, io: Io): 'created' | 'existing' {
  try {
    // Whatever is there (a symlink, a FIFO, another file) is never followed or replaced.
    const st = io.fs.lstatSync(file);
    if (st.isFile() && io.fs.readFileSync(file, 'utf8') === content) return 'existing';
    throw new DockerizeError(
      'E_CONFLICT',
      `${path.basename(file)} already exists with other content; not overwritten`,
    );
  } catch (e) {
    if (e instanceof DockerizeError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new DockerizeError(
        'E_WRITE',
        `cannot write ${path.basename(file)}: ${describeFsError(e)}`,
      );
  }
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.dockerize-slim-${process.pid}-${Math.random().toString(16).slice(2, 10)}.tmp`,
  );
  try {
    io.fs.writeFileSync(temp, content, { flag: 'wx', mode: 0o644 });
    io.fs.linkSync(temp, file);
    return 'created';
  } catch (e) {
    throw new DockerizeError(
      'E_WRITE',
      `cannot write ${path.basename(file)}: ${describeFsError(e)}`,
    );
  } finally {
    try {
      io.fs.unlinkSync(temp);
    } catch {
      // Never created.
    }
  }
}
