import path from 'path';
import { DockerizeError } from '../errors';
import type { NginxVariant, Target } from '../types';
import type { Io } from './io';

/** Per-repo defaults from `.dockerize-slim.json` or package.json's `dockerize-slim` key. */
export interface RepoConfig {
  target?: Target;
  user?: string;
  nginx?: NginxVariant;
  exclude?: string[];
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
    if (!['target', 'user', 'nginx', 'exclude'].includes(key))
      fail(`unknown key "${key}" (known: target, user, nginx, exclude)`);
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

/** The config that applies in `dir` (the nearest one walking up), read once per folder. */
export class ConfigFinder {
  private readonly cache = new Map<string, RepoConfig | null>();
  constructor(private readonly io: Io) {}

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
    const file = path.join(dir, '.dockerize-slim.json');
    const own = this.readJson(file);
    if (own !== undefined) return validateConfig(own, file);
    const pkgFile = path.join(dir, 'package.json');
    const pkg = this.readJson(pkgFile, true);
    if (pkg && typeof pkg === 'object' && 'dockerize-slim' in (pkg as object)) {
      return validateConfig(
        (pkg as Record<string, unknown>)['dockerize-slim'],
        `${pkgFile} ("dockerize-slim")`,
      );
    }
    return null;
  }

  private readJson(file: string, lenient = false): unknown {
    let text: string;
    try {
      text = this.io.fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      // An app's broken package.json is the analysis's business; only our own file is fatal here.
      if (lenient) return undefined;
      throw new DockerizeError('E_USAGE', `${file}: not valid JSON (${(e as Error).message})`);
    }
  }
}
