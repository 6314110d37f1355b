import fs from 'fs';
import path from 'path';
import { transform } from '../engine';
import { DockerizeError } from '../errors';
import type { TransformOptions, TransformResult } from '../types';
import type { ComposeFacts } from './compose';
import { describeFsError } from './discover';
import { displayPath } from './display-path';
import type { DirIndex } from './dir-index';
import type { Io } from './io';
import { NO_COLORS } from './colors';
import type { ContextCache } from './context-cache';
import { readBuildContext } from './read-context';
import { readOpened } from './safe-read';
import { unifiedDiff } from './render';

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'error';

export interface FileOutcome {
  /** Absolute path, and the path as shown to the user (relative to the working directory). */
  file: string;
  display: string;
  status: FileStatus;
  before?: string;
  result?: TransformResult;
  /** The build context folder the analysis read (new files are created there). */
  contextRoot?: string;
  /** Set once --write or an interactive yes wrote the file. */
  written?: boolean;
  /** Plain unified diffs (computed where the file was processed, possibly a worker thread). */
  diff?: string;
  newFileDiffs?: string[];
  error?: { code: string; message: string; stack?: string };
}

export const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

export { displayPath };

export function processFile(
  file: string,
  options: TransformOptions,
  contextDir: string | undefined,
  io: Io,
  dirs?: DirIndex,
  compose: Pick<ComposeFacts, 'runs' | 'mounts' | 'privileges'> = {
    runs: [],
    mounts: [],
    privileges: [],
  },
  contexts?: ContextCache,
): FileOutcome {
  const display = displayPath(file, io);
  try {
    const bytes = readDockerfile(file, io);
    const before = decodeUtf8(bytes);
    const root = contextDir !== undefined ? path.resolve(io.cwd, contextDir) : path.dirname(file);
    const inContext = path.relative(root, file);
    const isInContext = !inContext.startsWith('..') && !path.isAbsolute(inContext);
    const dockerfile = inContext.split(path.sep).join('/');
    // The Dockerfile was just read: its size is known, if the context lists it as a file.
    const known = isInContext ? { [dockerfile]: bytes.length } : undefined;
    // A shared context is the same object for every Dockerfile of it: this one's facts go on a
    // copy.
    const context = contexts
      ? { ...contexts.read(root, known) }
      : readBuildContext(root, io, dirs, known);
    if (isInContext) context.dockerfile = dockerfile;
    // A compose file's path is given relative to the build context, and only when inside it.
    if (compose.runs.length > 0)
      context.runs = compose.runs.map(({ compose: where, ...run }) => {
        const rel = where ? path.relative(root, where.file) : '..';
        return rel.startsWith('..') || path.isAbsolute(rel)
          ? run
          : { ...run, compose: { file: rel.split(path.sep).join('/'), service: where!.service } };
      });
    if (compose.mounts.length > 0) context.mounts = compose.mounts;
    if (compose.privileges.length > 0) context.privileges = compose.privileges;
    const result = transform(before, options, context);
    const status: FileStatus = result.changed
      ? 'changed'
      : result.skipped
        ? 'skipped'
        : 'unchanged';
    const outcome: FileOutcome = {
      file,
      display,
      status,
      before,
      result,
      contextRoot: root,
    };
    if (status === 'changed') {
      outcome.diff = unifiedDiff(display, before, result.output, NO_COLORS);
      outcome.newFileDiffs = (result.newFiles ?? []).map((f) =>
        unifiedDiff(displayPath(path.join(root, f.path), io), '', f.content, NO_COLORS, true),
      );
    }
    return outcome;
  } catch (e) {
    if (e instanceof DockerizeError)
      return { file, display, status: 'error', error: { code: e.code, message: e.message } };
    const err = e as Error;
    return {
      file,
      display,
      status: 'error',
      error: { code: 'E_INTERNAL', message: `internal error: ${err.message}`, stack: err.stack },
    };
  }
}

// Follows a symlink (a Dockerfile named on the command line may be one) but never waits on a FIFO.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** The Dockerfile's bytes: one open, one fstat for the checks, then the reads. */
function readDockerfile(file: string, io: Io): Buffer {
  let fd: number;
  try {
    fd = io.fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw new DockerizeError('E_READ', describeFsError(e));
  }
  try {
    const stat = io.fs.fstatSync(fd);
    if (stat.isDirectory()) throw new DockerizeError('E_READ', 'is a directory, not a Dockerfile');
    if (!stat.isFile())
      throw new DockerizeError('E_READ', 'is not a regular file (a FIFO, socket or device)');
    if (stat.size > MAX_DOCKERFILE_BYTES) {
      throw new DockerizeError(
        'E_READ',
        `too large for a Dockerfile (${(stat.size / 1048576).toFixed(1)} MiB; the limit is ${MAX_DOCKERFILE_BYTES / 1048576} MiB)`,
      );
    }
    return readOpened(io, fd, stat.size);
  } catch (e) {
    if (e instanceof DockerizeError) throw e;
    throw new DockerizeError('E_READ', describeFsError(e));
  } finally {
    io.fs.closeSync(fd);
  }
}

function decodeUtf8(bytes: Buffer): string {
  if (bytes.includes(0)) throw new DockerizeError('E_READ', 'is a binary file, not a Dockerfile');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DockerizeError('E_READ', 'is not valid UTF-8 text');
  }
}
