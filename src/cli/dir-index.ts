import path from 'path';
import type { Io } from './io';
import { readRegularFile } from './safe-read';

/**
 * Folder listings, read once and shared by discovery, config lookup and compose lookup, so that
 * probing for optional files (.gitignore, .dockerize-slim.json, compose.yaml) costs a set lookup
 * instead of a failed read in every folder of a large tree.
 */
export class DirIndex {
  private readonly listings = new Map<string, Set<string>>();
  constructor(private readonly io: Io) {}

  remember(dir: string, names: string[]): void {
    this.listings.set(dir, new Set(names));
  }

  has(dir: string, name: string): boolean {
    let names = this.listings.get(dir);
    if (!names) {
      try {
        names = new Set(this.io.fs.readdirSync(dir));
      } catch {
        names = new Set();
      }
      this.listings.set(dir, names);
    }
    return names.has(name);
  }

  read(dir: string, name: string): string | undefined {
    if (!this.has(dir, name)) return undefined;
    return readRegularFile(this.io, path.join(dir, name));
  }
}
