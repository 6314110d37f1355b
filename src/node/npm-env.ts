import type { PackageJson } from './package-json';

/** The package-manager script the original start ran last (its values win in the environment). */
export interface ScriptRun {
  manager: 'npm' | 'yarn' | 'pnpm';
  name: string;
  body: string;
  /** The package.json the script is in (a workspace's, in a monorepo). */
  pkg: PackageJson;
}

export interface NpmEnvironment {
  /** Variables the code reads that the start script set, with the values npm or yarn gives them. */
  values: Record<string, string>;
  /** Variables the code reads that depend on the machine or the package manager's install. */
  unknown: string[];
}

/**
 * What npm (7 and later), npm 6, yarn 1 or pnpm put in the environment of a script, for the
 * variables the app reads. Measured: npm 7+ sets name, version, json, config_*, engines_*,
 * lifecycle_event, lifecycle_script and command; npm 6 and yarn 1 flatten every package.json
 * field. npm_config_*, npm_execpath and the like describe the machine and are not static.
 */
export function npmEnvironment(
  names: readonly string[],
  script: ScriptRun,
  appDir: string,
  nodeMajor: number | null,
): NpmEnvironment {
  const flattensAll =
    script.manager === 'yarn' || (script.manager === 'npm' && nodeMajor !== null && nodeMajor < 15);
  const known: Record<string, string> = {
    npm_lifecycle_event: script.name,
    npm_lifecycle_script: script.body,
  };
  if (script.manager === 'npm' && !flattensAll) {
    known.npm_command =
      script.name === 'start' || script.name === 'test' ? script.name : 'run-script';
    known.npm_package_json = `${appDir.replace(/\/$/, '')}/package.json`;
  }
  const fields = script.pkg as Record<string, unknown>;
  const flat = flatten('npm_package', fields);
  for (const [name, value] of Object.entries(flat)) {
    const top = name.slice('npm_package_'.length);
    if (
      flattensAll ||
      top === 'name' ||
      top === 'version' ||
      (script.manager !== 'pnpm' && (top.startsWith('config_') || top.startsWith('engines_')))
    )
      known[name] = value;
  }
  const values: Record<string, string> = {};
  const unknown: string[] = [];
  for (const name of names) {
    if (name in known) values[name] = known[name];
    else if (MACHINE_DEPENDENT.test(name)) unknown.push(name);
    // Anything else this manager does not set: undefined before and after the rewrite.
  }
  return { values, unknown };
}

/** Set by every manager, with values that depend on the machine and the manager's install. */
const MACHINE_DEPENDENT = /^npm_(config_|execpath$|node_execpath$)/;

function flatten(prefix: string, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || value === undefined) return out;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      Object.assign(out, flatten(`${prefix}_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`, v));
    return out;
  }
  out[prefix] = String(value);
  return out;
}
