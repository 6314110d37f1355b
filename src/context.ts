/**
 * Which files of the build context the analysis reads. Pure: the caller lists the context (names
 * only), this picks what to read, and the caller reads those within its size limits.
 */
const EXACT = new Set([
  'package.json',
  'yarn.lock',
  'tsconfig.json',
  'angular.json',
  'go.mod',
  'nginx.conf',
  '.dockerignore',
  '.gitignore',
]);
const PATTERNS = [
  /^(vite|next|astro|svelte|nuxt|gatsby-config|vue)\.config\.(js|cjs|mjs|ts|mts)$/,
  /^gatsby-config\.(js|ts)$/,
  /\.go$/,
];

export const CONTEXT_LIMITS = {
  /** Files listed from the context at most (names only). */
  maxListed: 20000,
  /** Go sources read at most, and the size of any one file read. */
  maxGoFiles: 2000,
  maxFileBytes: 1024 * 1024,
};

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

export function selectContextFiles(paths: readonly string[]): string[] {
  const picked: string[] = [];
  let goFiles = 0;
  for (const p of paths) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const atRoot = !p.includes('/');
    if (atRoot && EXACT.has(name)) picked.push(p);
    else if (atRoot && PATTERNS[0].test(name)) picked.push(p);
    else if (
      PATTERNS[2].test(name) &&
      !name.endsWith('_test.go') &&
      goFiles < CONTEXT_LIMITS.maxGoFiles
    ) {
      picked.push(p);
      goFiles++;
    }
  }
  return picked;
}
