import path from 'path';
import { DirIndex } from './dir-index';

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/**
 * Build contexts named by compose files: Dockerfile path -> context folder. Monorepos keep their
 * Dockerfiles away from their contexts, and only the compose file says where the context is.
 */
export class ComposeContexts {
  private readonly byDir = new Map<string, Map<string, string>>();
  constructor(private readonly dirs: DirIndex) {}

  /** The context for `dockerfile` from the nearest compose file above it, up to the git root. */
  contextFor(dockerfile: string): string | null {
    let dir = path.dirname(dockerfile);
    for (;;) {
      const hit = this.load(dir).get(dockerfile);
      if (hit) return hit;
      if (this.dirs.has(dir, '.git') || path.dirname(dir) === dir) return null;
      dir = path.dirname(dir);
    }
  }

  private load(dir: string): Map<string, string> {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const map = new Map<string, string>();
    for (const name of COMPOSE_NAMES) {
      const text = this.dirs.read(dir, name);
      if (text === undefined) continue;
      let doc: unknown;
      try {
        // Loaded on first use: most runs meet no compose file.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        doc = (require('yaml') as typeof import('yaml')).parse(text);
      } catch {
        continue;
      }
      const services =
        (doc as { services?: Record<string, { build?: unknown }> } | null)?.services ?? {};
      for (const service of Object.values(services)) {
        const build = service?.build;
        if (build === undefined || build === null) continue;
        const spec =
          typeof build === 'string'
            ? { context: build }
            : (build as { context?: string; dockerfile?: string });
        // A URL is not a folder here; an absolute path is not part of any repository.
        if (
          typeof spec.context !== 'string' ||
          /^[a-z]+:\/\//.test(spec.context) ||
          path.isAbsolute(spec.context)
        )
          continue;
        const context = path.resolve(dir, spec.context);
        const dockerfile = path.resolve(
          context,
          typeof spec.dockerfile === 'string' ? spec.dockerfile : 'Dockerfile',
        );
        if (!map.has(dockerfile)) map.set(dockerfile, context);
      }
    }
    this.byDir.set(dir, map);
    return map;
  }
}
