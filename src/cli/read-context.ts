import path from 'path';
import { CONTEXT_LIMITS, isSkippedContextDir, readLimitFor, selectContextFiles } from '../context';
import type { BuildContext } from '../types';
import type { Io } from './io';

/** Lists the build context (names only, bounded) and reads the files the analysis asks for. */
export function readBuildContext(root: string, io: Io): BuildContext {
  const paths: string[] = [];
  const opaque: string[] = [];
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
      }
    }
  };
  walk(root, '');
  const files: Record<string, string> = {};
  for (const rel of selectContextFiles(paths)) {
    const abs = path.join(root, rel);
    try {
      const limit = readLimitFor(rel);
      // Only sources can be many and large; a stat per manifest would cost more than it saves.
      if (/\.(go|[cm]?[jt]sx?)$/.test(rel) && io.fs.statSync(abs).size > limit) continue;
      const text = io.fs.readFileSync(abs, 'utf8');
      if (text.length <= limit) files[rel] = text;
    } catch {
      // An unreadable context file (or a folder with a manifest's name) is treated as absent;
      // the analysis then says what it missed.
    }
  }
  return { paths, files, opaque, truncated };
}
