/**
 * A map that keeps its most recently used `capacity` entries: what the CLI knows per folder
 * (listings, configs, compose files, build contexts) is asked for again while the walk is near
 * that folder, and a run over 100,000 repositories must not keep all of it.
 */
export class Recent<K, V> {
  /** Least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
