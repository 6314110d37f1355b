import path from 'path';
import { DockerizeError } from '../errors';
import type { NginxVariant, Target } from '../types';
import { DirIndex } from './dir-index';
import type { Io } from './io';
import { Recent } from './recent';

/** Per-repo defaults from `.dockerize-slim.json` or package.json's `dockerize-slim` key. */
export interface RepoConfig {
  target?: Target;
  user?: string;
  nginx?: NginxVariant;
  exclude?: string[];
  /** Go: only the files detection proves (as --minimal). */
  minimal?: boolean;
  /** The file it came from. */
  source: string;
}

const TARGETS = ['auto', 'nginx', 'distroless', 'cgr', 'scratch', 'slim'];
const NGINX = ['alpine', 'unprivileged', 'chainguard'];

export function validateConfig(value: unknown, source: string): RepoConfig {
  const fail = (why: string) => {
    throw new DockerizeError('E_USAGE', `${source}: ${why}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('the configuration must be a JSON object');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v))
    if (!['target', 'user', 'nginx', 'exclude', 'minimal'].includes(key))
      fail(`unknown key "${key}" (known: target, user, nginx, exclude, minimal)`);
  if (v.minimal !== undefined && typeof v.minimal !== 'boolean')
    fail('minimal must be true or false');
  if (v.target !== undefined && !TARGETS.includes(v.target as string))
    fail(`target must be one of ${TARGETS.join(', ')}`);
  if (v.nginx !== undefined && !NGINX.includes(v.nginx as string))
    fail(`nginx must be one of ${NGINX.join(', ')}`);
  if (v.user !== undefined && typeof v.user !== 'string')
    fail('user must be a string such as "10001:10001"');
  if (
    v.exclude !== undefined &&
    (!Array.isArray(v.exclude) || !v.exclude.every((e) => typeof e === 'string'))
  )
    fail('exclude must be an array of glob strings');
  return { ...(v as Omit<RepoConfig, 'source'>), source };
}

/** Folders whose configs are kept: the walk asks about a folder and its parents while near it. */
const KEPT_FOLDERS = 4096;

/** The config that applies in `dir` (the nearest one walking up), read once per folder. */
export class ConfigFinder {
  private readonly cache = new Recent<string, RepoConfig | null>(KEPT_FOLDERS);
  private readonly own = new Recent<string, RepoConfig | null>(KEPT_FOLDERS);
  constructor(private readonly dirs: DirIndex) {}

  find(dir: string): RepoConfig | null {
    const cached = this.cache.get(dir);
    if (cached !== undefined) return cached;
    const found =
      this.readAt(dir) ?? (path.dirname(dir) === dir ? null : this.find(path.dirname(dir)));
    this.cache.set(dir, found);
    return found;
  }

  /** The config defined in exactly this folder, if any. */
  readAt(dir: string): RepoConfig | null {
    const cached = this.own.get(dir);
    if (cached !== undefined) return cached;
    let found: RepoConfig | null = null;
    const file = path.join(dir, '.dockerize-slim.json');
    const text = this.dirs.read(dir, '.dockerize-slim.json');
    if (text !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new DockerizeError('E_USAGE', `${file}: not valid JSON (${(e as Error).message})`);
      }
      found = validateConfig(value, file);
    } else {
      // Most package.json files have no such key: look before parsing. A broken package.json is
      // the analysis's business, not the config's.
      const pkg = this.dirs.read(dir, 'package.json');
      if (pkg !== undefined && pkg.includes('"dockerize-slim"')) {
        let value: unknown;
        try {
          value = JSON.parse(pkg);
        } catch {
          value = undefined;
        }
        if (value && typeof value === 'object' && 'dockerize-slim' in value) {
          const key = (value as Record<string, unknown>)['dockerize-slim'];
          found = validateConfig(key, `${path.join(dir, 'package.json')} ("dockerize-slim")`);
        }
      }
    }
    this.own.set(dir, found);
    return found;
  }
}

/** A --config file, read and checked; a usage error when it cannot be. */
export function loadExplicitConfig(file: string, io: Io): RepoConfig {
  let text: string;
  try {
    text = io.fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch {
    throw new DockerizeError('E_USAGE', `--config ${file}: cannot read it`);
  }
  try {
    return validateConfig(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof DockerizeError) throw e;
    throw new DockerizeError('E_USAGE', `--config ${file}: not valid JSON`);
  }
}
