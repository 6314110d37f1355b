import path from 'path';
import { CONTEXT_LIMITS, isSkippedContextDir, readLimitFor, selectContextFiles } from '../context';
import type { BuildContext } from '../types';
import type { Io } from './io';
import { readRegularFile } from './safe-read';

/** Lists the build context (names only, bounded) and reads the files the analysis asks for. */
export function readBuildContext(root: string, io: Io): BuildContext {
  const paths: string[] = [];
  const opaque: string[] = [];
  // Only regular files are read: a symlink may point out of the context (Docker copies the link,
  // not its target) and a FIFO or device would block or never end.
  const regular = new Set<string>();
  let truncated = false;
  const walk = (dir: string, prefix: string) => {
    if (paths.length >= CONTEXT_LIMITS.maxListed) {
      truncated = true;
      return;
    }
    let entries;
    try {
      entries = io.fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (paths.length >= CONTEXT_LIMITS.maxListed) {
        truncated = true;
        return;
      }
      const rel = prefix + e.name;
      if (e.isDirectory()) {
        paths.push(rel + '/');
        if (isSkippedContextDir(e.name)) opaque.push(rel + '/');
        else walk(path.join(dir, e.name), rel + '/');
      } else {
        paths.push(rel);
        if (e.isFile()) regular.add(rel);
      }
    }
  };
  walk(root, '');
  const files: Record<string, string> = {};
  for (const rel of selectContextFiles(paths)) {
    if (!regular.has(rel)) continue;
    // An unreadable or oversized context file is treated as absent; the analysis then says what
    // it missed.
    const text = readRegularFile(io, path.join(root, rel), readLimitFor(rel));
    if (text !== undefined) files[rel] = text;
  }
  return { paths, files, opaque, truncated };
}
