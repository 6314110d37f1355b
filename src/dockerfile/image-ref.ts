/**
 * Image references per the distribution grammar: `[host[:port]/]path[:tag][@digest]`. The first
 * path component is a registry host only when it has a dot or a port, or is `localhost`.
 */
export interface ImageRef {
  raw: string;
  /** Registry host, or null for Docker Hub (whatever way it was spelled). */
  registry: string | null;
  /** Repository path without the registry, with Docker Hub's `library/` dropped: `node`, `nginxinc/nginx-unprivileged`. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function parseImageRef(raw: string): ImageRef | null {
  const text = raw.trim();
  if (text === '' || /\s/.test(text) || /\$/.test(text)) return null;
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(digest)) return null;
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return null;
  }
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      rest,
    )
  ) {
    return null;
  }
  let repository = rest;
  if (registry && DOCKER_HUB.has(registry)) registry = null;
  if (registry === null && repository.startsWith('library/')) repository = repository.slice(8);
  return { raw: text, registry, repository, tag, digest };
}

/** The official image's short name (`node`, `golang`) when the reference is a Docker Hub official image. */
export function officialName(ref: ImageRef): string | null {
  return ref.registry === null && !ref.repository.includes('/') ? ref.repository : null;
}

/**
 * The official image a reference names directly or through a mirror (`registry:5000/node`,
 * `mirror.example.com/library/golang`), or null. Mirrors keep the official tags.
 */
export function officialOrMirrored(ref: ImageRef): string | null {
  const direct = officialName(ref);
  if (direct) return direct;
  if (ref.registry === null) return null;
  const m =
    /^(?:library\/)?([a-z0-9]+)$/.exec(ref.repository) ??
    /(?:^|\/)library\/([a-z0-9]+)$/.exec(ref.repository);
  return m ? m[1] : null;
}

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}` from the given values;
 * returns null when a variable has no value (the reference cannot be known statically).
 */
export function expandVariables(
  text: string,
  values: Record<string, string | undefined>,
): string | null {
  let unresolved = false;
  const out = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const value = values[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      unresolved = true;
      return '';
    },
  );
  return unresolved ? null : out;
}
