/**
 * Which files of the build context the analysis reads. Pure: the caller lists the context (names
 * only), this picks what to read, and the caller reads those within its size limits.
 */
const EXACT = new Set([
  'package.json',
  'yarn.lock',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'angular.json',
  'go.mod',
  'go.sum',
  'nginx.conf',
  '.yarnrc.yml',
  '.npmrc',
  'pnpm-workspace.yaml',
]);
/** Read at the context root only: they apply to the whole context. */
const ROOT_ONLY = new Set([
  '.dockerignore',
  '.gitignore',
  'action.yml',
  'action.yaml',
  // How the README says to run the image: a mounted Docker socket, the host's network.
  'README.md',
  'README',
  'readme.md',
  'Readme.md',
]);
const MAX_MANIFEST_DEPTH = 4;
const PATTERNS = [
  /^(vite|next|astro|svelte|nuxt|gatsby-config|vue)\.config\.(js|cjs|mjs|ts|mts)$/,
  /^gatsby-config\.(js|ts)$/,
  /\.go$/,
];
/** The app's own JavaScript and TypeScript, for what it reads, writes, spawns and listens on. */
const NODE_SOURCE = /\.(c|m)?[jt]sx?$/;
const NOT_APP_SOURCE =
  /(\.d\.ts|\.(test|spec|stories)\.[cm]?[jt]sx?|\.config\.[cm]?[jt]s|\.min\.js)$/;
const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
]);

/** The packages a Go build compiles from vendor/, which the listing does not walk. */
export const VENDOR_MODULES = 'vendor/modules.txt';

export const CONTEXT_LIMITS = {
  /** Files listed from the context at most (names only). */
  maxListed: 20000,
  /** Go sources and Node sources read at most, and the size of any one file read. */
  maxGoFiles: 2000,
  maxNodeFiles: 2000,
  /** package.json files, lockfiles and framework configs read at most (monorepos have many). */
  maxManifests: 500,
  maxFileBytes: 1024 * 1024,
  /** Lockfiles are read up to this size (large monorepo lockfiles are several MiB). */
  maxLockfileBytes: 32 * 1024 * 1024,
};

/** The most bytes of a context file the caller should read. */
export function readLimitFor(path: string): number {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return LOCKFILES.has(name) ? CONTEXT_LIMITS.maxLockfileBytes : CONTEXT_LIMITS.maxFileBytes;
}

const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  'vendor',
  'dist',
  'build',
  '.next',
  'coverage',
  'testdata',
]);

export function isSkippedContextDir(name: string): boolean {
  return SKIP_DIRS.has(name);
}

/** Whether the caller should measure the context's files: a Go program's folder is reported with sizes. */
export function needsSizes(paths: readonly string[]): boolean {
  return paths.some((p) => p === 'go.mod' || p.endsWith('.go'));
}

export function selectContextFiles(paths: readonly string[]): string[] {
  const picked: string[] = [];
  let goFiles = 0;
  let nodeFiles = 0;
  let manifests = 0;
  for (const p of paths) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const atRoot = !p.includes('/');
    // Manifests and configs of apps in subfolders too (monorepos), a few levels down.
    const nearRoot = p.split('/').length <= MAX_MANIFEST_DEPTH;
    if (atRoot && ROOT_ONLY.has(name)) picked.push(p);
    else if (nearRoot && p.endsWith(VENDOR_MODULES)) picked.push(p);
    else if (nearRoot && EXACT.has(name) && manifests++ < CONTEXT_LIMITS.maxManifests)
      picked.push(p);
    else if (nearRoot && PATTERNS[0].test(name) && manifests++ < CONTEXT_LIMITS.maxManifests)
      picked.push(p);
    else if (
      PATTERNS[2].test(name) &&
      !name.endsWith('_test.go') &&
      goFiles < CONTEXT_LIMITS.maxGoFiles
    ) {
      picked.push(p);
      goFiles++;
    } else if (
      NODE_SOURCE.test(name) &&
      !NOT_APP_SOURCE.test(name) &&
      !/(^|\/)(__tests__|test|tests|__mocks__)\//.test(p) &&
      nodeFiles < CONTEXT_LIMITS.maxNodeFiles
    ) {
      picked.push(p);
      nodeFiles++;
    }
  }
  return picked;
}
