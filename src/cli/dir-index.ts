import path from 'path';
import type { Io } from './io';
import { Recent } from './recent';
import { MAX_SIDE_FILE_BYTES, readRegularFile } from './safe-read';

export type EntryKind = 'dir' | 'file' | 'other';

/** A folder's entries by name, with what each is (symlinks, FIFOs and devices are `other`). */
export type Listing = ReadonlyMap<string, EntryKind>;

interface DirentLike {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

export function listingOf(entries: readonly DirentLike[]): Listing {
  const out = new Map<string, EntryKind>();
  for (const e of entries) out.set(e.name, e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other');
  return out;
}

const EMPTY: Listing = new Map();

/**
 * Folders whose listings are kept. Lookups follow the walk (a folder, then its parents for config
 * and compose files), so the most recently used few thousand cover them, and a run over 100,000
 * repositories does not keep every listing it ever read.
 */
const KEPT_LISTINGS = 4096;

/**
 * Folder listings, read once and shared by discovery, config and compose lookup and the build
 * context, so that probing a walked folder for optional files (.gitignore, .dockerize-slim.json,
 * compose.yaml) costs a map lookup instead of a failed read, and no folder is listed twice.
 */
export class DirIndex {
  private readonly listings: Recent<string, Listing>;
  private readonly probes = new Map<string, EntryKind | null>();
  /**
   * `roots`: the folders the run walks (as given and as real paths). A folder inside them is
   * listed when first asked about; one outside (the folders above, where config and .git lookups
   * go) is probed with one lstat per question, as listing /tmp or a home folder to answer one
   * question costs more than the whole of a small run.
   */
  private readonly roots: ReadonlySet<string>;
  constructor(
    private readonly io: Io,
    roots: readonly string[] = [],
    capacity = KEPT_LISTINGS,
  ) {
    this.roots = new Set(roots);
    this.listings = new Recent(capacity);
  }

  private inside(dir: string): boolean {
    return isUnder(dir, this.roots);
  }

  remember(dir: string, listing: Listing): void {
    this.listings.set(dir, listing);
  }

  list(dir: string): Listing {
    let listing = this.listings.get(dir);
    if (!listing) {
      try {
        listing = listingOf(this.io.fs.readdirSync(dir, { withFileTypes: true }));
      } catch {
        listing = EMPTY;
      }
      this.remember(dir, listing);
    }
    return listing;
  }

  /** What `name` in `dir` is, from the folder's listing or, outside the roots, one lstat. */
  kind(dir: string, name: string): EntryKind | null {
    const listing = this.listings.get(dir) ?? (this.inside(dir) ? this.list(dir) : undefined);
    if (listing) return listing.get(name) ?? null;
    // Outside the roots: the few folders above them, asked about again for every file.
    const file = path.join(dir, name);
    let kind = this.probes.get(file);
    if (kind === undefined) {
      try {
        const st = this.io.fs.lstatSync(file);
        kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      } catch {
        kind = null;
      }
      this.probes.set(file, kind);
    }
    return kind;
  }

  /** The folder's file names when it is inside the roots (listed anyway), else null. */
  namesInside(dir: string): string[] | null {
    const listing = this.listings.get(dir) ?? (this.inside(dir) ? this.list(dir) : undefined);
    return listing ? [...listing.keys()] : null;
  }

  has(dir: string, name: string): boolean {
    return this.kind(dir, name) !== null;
  }

  /** A regular file of the folder, read with the bounds of readRegularFile. */
  read(dir: string, name: string): string | undefined {
    if (this.kind(dir, name) !== 'file') return undefined;
    const file = path.join(dir, name);
    const stat: { size?: number } = {};
    const text = readRegularFile(this.io, file, MAX_SIDE_FILE_BYTES, stat);
    if (text !== undefined) this.texts.set(file, { text, size: stat.size! });
    return text;
  }

  /**
   * A file `read` gave lately (a package.json the config lookup read, which the build context
   * then reads too), with its size, if it is within `maxBytes`.
   */
  recent(file: string, maxBytes: number): { text: string; size: number } | undefined {
    const r = this.texts.get(file);
    return r && r.size <= maxBytes ? r : undefined;
  }

  /** Files read through `read`, for a build context read right after: the folders at hand. */
  private readonly texts = new Recent<string, { text: string; size: number }>(64);
}

/**
 * Whether `dir` is one of `roots` or inside one: a walk up its parents, so that xargs handing
 * thousands of files (each file's folder a root) costs a few lookups per question, not thousands.
 */
export function isUnder(dir: string, roots: ReadonlySet<string>): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (roots.has(d)) return true;
    if (path.dirname(d) === d) return false;
  }
}
