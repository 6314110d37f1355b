import path from 'path';
import { DockerizeError } from '../errors';
import type { Io } from './io';

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', 'vendor']);

export function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  return (
    /^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /\.(Dockerfile|dockerfile)$/.test(name)
  );
}

export interface Discovered {
  files: string[];
  errors: Array<{ path: string; error: DockerizeError }>;
}

/** Files as given; folders searched recursively for Dockerfiles, skipping .git, node_modules, vendor. */
export function discover(inputs: string[], io: Io): Discovered {
  const files = new Set<string>();
  const errors: Discovered['errors'] = [];
  for (const input of inputs) {
    const abs = path.resolve(io.cwd, input);
    let stat;
    try {
      stat = io.fs.statSync(abs);
    } catch (e) {
      errors.push({ path: input, error: new DockerizeError('E_READ', describeFsError(e)) });
      continue;
    }
    if (stat.isDirectory() && isDockerfileName(path.basename(abs))) {
      errors.push({
        path: input,
        error: new DockerizeError('E_READ', 'is a directory, not a Dockerfile'),
      });
    } else if (stat.isDirectory()) walk(abs, io, files);
    else files.add(abs);
  }
  return { files: [...files].sort(), errors };
}

function walk(dir: string, io: Io, out: Set<string>): void {
  let entries;
  try {
    entries = io.fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!ALWAYS_SKIPPED.has(e.name)) walk(path.join(dir, e.name), io, out);
    } else if ((e.isFile() || e.isSymbolicLink()) && isDockerfileName(e.name)) {
      out.add(path.join(dir, e.name));
    }
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return (e as Error).message;
  }
}
