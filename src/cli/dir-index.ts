import path from 'path';
import type { Io } from './io';
import { readRegularFile } from './safe-read';

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
 * Folder listings, read once and shared by discovery, config and compose lookup and the build
 * context, so that probing for optional files (.gitignore, .dockerize-slim.json, compose.yaml)
 * costs a map lookup instead of a failed read, and no folder is listed twice.
 */
export class DirIndex {
  private readonly listings = new Map<string, Listing>();
  constructor(private readonly io: Io) {}

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
      this.listings.set(dir, listing);
    }
    return listing;
  }

  has(dir: string, name: string): boolean {
    return this.list(dir).has(name);
  }

  /** A regular file of the folder, read with the bounds of readRegularFile. */
  read(dir: string, name: string): string | undefined {
    if (this.list(dir).get(name) !== 'file') return undefined;
    return readRegularFile(this.io, path.join(dir, name));
  }
}
