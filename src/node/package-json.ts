import { DockerizeError } from '../errors';
import type { BuildContext } from '../types';

/** The fields of package.json the analysis reads. */
export interface PackageJson {
  name?: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  type?: string;
}

/** The app's package.json at the context root, or null; an error when it is not a JSON object. */
export function readPackageJson(context: BuildContext): PackageJson | null {
  const text = context.files['package.json'];
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('not a JSON object');
    }
    return value as PackageJson;
  } catch (e) {
    throw new DockerizeError(
      'E_CONTEXT',
      `package.json is not valid JSON (${(e as Error).message})`,
    );
  }
}
