import path from 'path';
import {
  CONTEXT_LIMITS,
  isSkippedContextDir,
  needsSizes,
  readLimitFor,
  selectContextFiles,
} from '../context';
import type { BuildContext } from '../types';
import type { Io } from './io';
import { DirIndex, Listing, listingOf } from './dir-index';
import { readRegularFile } from './safe-read';

/**
 * Lists the build context (names only, bounded) and reads the files the analysis asks for. The
 * listings come from `dirs` when given: discovery, config and compose lookup listed most of them
 * already. `knownSizes` are sizes the caller has from its own reads (the Dockerfile's), by path in
 * the context.
 */
export function readBuildContext(
  root: string,
  io: Io,
  dirs?: DirIndex,
  knownSizes: Record<string, number> = {},
): BuildContext {
  const paths: string[] = [];
  const opaque: string[] = [];
  // Only regular files are read: a symlink may point out of the context (Docker copies the link,
  // not its target) and a FIFO or device would block or never end.
  const regular = new Set<string>();
  const others: string[] = [];
  let truncated = false;
  const listDir = (dir: string): Listing | undefined => {
    if (dirs) return dirs.list(dir);
    try {
      return listingOf(io.fs.readdirSync(dir, { withFileTypes: true }));
    } catch {
      return undefined;
    }
  };
  const walk = (dir: string, prefix: string) => {
    if (paths.length >= CONTEXT_LIMITS.maxListed) {
      truncated = true;
      return;
    }
    const listing = listDir(dir);
    if (!listing) return;
    const names = [...listing.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      if (paths.length >= CONTEXT_LIMITS.maxListed) {
        truncated = true;
        return;
      }
      const rel = prefix + name;
      const kind = listing.get(name);
      if (kind === 'dir') {
        paths.push(rel + '/');
        if (isSkippedContextDir(name)) opaque.push(rel + '/');
        else walk(path.join(dir, name), rel + '/');
      } else {
        paths.push(rel);
        if (kind === 'file') regular.add(rel);
        else others.push(rel);
      }
    }
  };
  walk(root, '');
  const files: Record<string, string> = {};
  const links: Record<string, string> = {};
  for (const rel of others) {
    try {
      if (io.fs.lstatSync(path.join(root, rel)).isSymbolicLink())
        links[rel] = io.fs.readlinkSync(path.join(root, rel));
    } catch {
      continue;
    }
  }
  // A link is read only when it points at a regular file of the context (.dockerignore ->
  // .gitignore): Docker follows such a link, and reading it never leaves the context.
  const inContext = (rel: string): string | null => {
    const target = links[rel];
    if (target === undefined || path.posix.isAbsolute(target)) return regular.has(rel) ? rel : null;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
    return !resolved.startsWith('..') && regular.has(resolved) ? resolved : null;
  };
  // Sizes of the regular files opened below, so that they are not asked for again.
  const opened: Record<string, number> = { ...knownSizes };
  for (const rel of selectContextFiles(paths)) {
    const source = inContext(rel);
    if (source === null) continue;
    // An unreadable or oversized context file is treated as absent; the analysis then says what
    // it missed.
    const file = path.join(root, source);
    const limit = readLimitFor(rel);
    // The config lookup may have read it a moment ago (package.json).
    const recent = dirs?.recent(file, limit);
    const stat: { size?: number } = {};
    const text = recent ? recent.text : readRegularFile(io, file, limit, stat);
    const size = recent ? recent.size : stat.size;
    if (size !== undefined && source === rel) opened[rel] = size;
    if (text !== undefined) files[rel] = text;
  }
  // vendor/ is not walked, but its modules.txt names every module compiled into a Go binary.
  for (const dir of opaque) {
    if (!dir.endsWith('vendor/') || dir.split('/').length > 4) continue;
    const rel = dir + 'modules.txt';
    const text = readRegularFile(io, path.join(root, rel), CONTEXT_LIMITS.maxFileBytes);
    if (text !== undefined) files[rel] = text;
  }
  const context: BuildContext = { paths, files, opaque, truncated };
  if (Object.keys(links).length > 0) context.links = links;
  if (needsSizes(paths)) {
    // What a Go rewrite keeps is reported with its size; Node contexts are copied whole, unsized.
    const sizes: Record<string, number> = {};
    for (const rel of regular) {
      if (opened[rel] !== undefined) {
        sizes[rel] = opened[rel];
        continue;
      }
      try {
        sizes[rel] = io.fs.lstatSync(path.join(root, rel)).size;
      } catch {
        continue;
      }
    }
    context.sizes = sizes;
  }
  return context;
}
