import fs from 'fs';
import path from 'path';
import { ComposeContexts } from '../../src/cli/compose';
import { DirIndex } from '../../src/cli/dir-index';
import { processIo } from '../../src/cli/io';
import { selectContextFiles } from '../../src/context';
import type { BuildContext, TransformOptions } from '../../src/types';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

export interface FixtureCase {
  scope: string;
  name: string;
  dir: string;
  source: string;
  options: TransformOptions;
  context: BuildContext;
}

/** Lists a folder the way the CLI lists a build context: relative paths, folders with a trailing `/`. */
export function listContext(root: string): BuildContext {
  const paths: string[] = [];
  const links: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) {
        paths.push(prefix + e.name + '/');
        walk(path.join(dir, e.name), prefix + e.name + '/');
      } else {
        paths.push(prefix + e.name);
        if (e.isSymbolicLink()) links[prefix + e.name] = fs.readlinkSync(path.join(dir, e.name));
      }
    }
  };
  walk(root, '');
  const files: Record<string, string> = {};
  for (const p of selectContextFiles(paths))
    if (!(p in links)) files[p] = fs.readFileSync(path.join(root, p), 'utf8');
  const sizes: Record<string, number> = {};
  for (const p of paths)
    if (!p.endsWith('/') && !(p in links)) sizes[p] = fs.statSync(path.join(root, p)).size;
  return { paths, files, sizes, ...(Object.keys(links).length > 0 ? { links } : {}) };
}

export function loadCases(scope: string): FixtureCase[] {
  const base = path.join(FIXTURES, scope);
  return fs
    .readdirSync(base)
    .sort()
    .map((name) => {
      const dir = path.join(base, name);
      const optionsFile = path.join(dir, 'options.json');
      return {
        scope,
        name,
        dir,
        source: fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'),
        options: fs.existsSync(optionsFile) ? JSON.parse(fs.readFileSync(optionsFile, 'utf8')) : {},
        context: {
          ...listContext(path.join(dir, 'context')),
          dockerfile: 'Dockerfile',
          ...composeFacts(path.join(dir, 'context')),
        },
      };
    });
}

/**
 * What a compose file in the fixture's context says of a Dockerfile at the context root (as the
 * fixture's Dockerfile is taken to be): what it runs in the image and bind-mounts into it.
 */
function composeFacts(context: string): Pick<BuildContext, 'runs' | 'mounts' | 'privileges'> {
  if (!fs.existsSync(context)) return {};
  const names = fs
    .readdirSync(context)
    .filter((n) => /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(n));
  if (names.length === 0) return {};
  const facts = new ComposeContexts(new DirIndex(processIo(), [context])).forDockerfile(
    path.join(context, 'Dockerfile'),
  );
  const runs = facts.runs.map(({ compose, ...run }) =>
    compose
      ? {
          ...run,
          compose: { file: path.relative(context, compose.file), service: compose.service },
        }
      : run,
  );
  return {
    ...(runs.length > 0 ? { runs } : {}),
    ...(facts.mounts.length > 0 ? { mounts: facts.mounts } : {}),
    ...(facts.privileges.length > 0 ? { privileges: facts.privileges } : {}),
  };
}

export function readIfExists(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}
