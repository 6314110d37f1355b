import type { PackageJson } from '../package-json';
import type { StartInput } from './types';

/**
 * A script run in another package of the repository: `npm start -w server`, `npm run x
 * --workspace=server`, `npm start --prefix packages/server`, `yarn workspace server start`,
 * `pnpm --filter server start`, `pnpm -C packages/server start`.
 */
export function workspaceTarget(
  manager: 'npm' | 'yarn' | 'pnpm',
  args: string[],
): { selector: string; args: string[] } | null {
  if (manager === 'yarn' && args[0] === 'workspace' && args[1])
    return { selector: args[1], args: args.slice(2) };
  const flags =
    manager === 'npm'
      ? ['-w', '--workspace', '--prefix']
      : manager === 'pnpm'
        ? ['--filter', '-F', '-C', '--dir']
        : [];
  for (let i = 0; i < args.length; i++) {
    for (const f of flags) {
      if (args[i] === f && args[i + 1])
        return { selector: args[i + 1], args: [...args.slice(0, i), ...args.slice(i + 2)] };
      if (args[i].startsWith(f + '='))
        return {
          selector: args[i].slice(f.length + 1),
          args: [...args.slice(0, i), ...args.slice(i + 1)],
        };
    }
  }
  return null;
}

/** The package a workspace selector names: by package name, or by folder. */
export function workspacePackage(
  input: StartInput,
  selector: string,
): { dir: string; pkg: PackageJson } | null {
  const prefix = input.appPrefix ?? '';
  const wanted = selector.replace(/^\.\//, '').replace(/\/$/, '');
  for (const [path, text] of Object.entries(input.files ?? {})) {
    if (!path.endsWith('/package.json') || !path.startsWith(prefix)) continue;
    const dir = path.slice(prefix.length, -'/package.json'.length);
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(text) as PackageJson;
    } catch {
      continue;
    }
    if (pkg.name === selector || dir === wanted) return { dir, pkg };
  }
  return null;
}
