import CONFIG from '../../templates/nginx-config.json';

export interface NginxSite {
  port: number;
  root: string;
  spa: boolean;
  /** The entry page (`index.html`, or Angular's `index.csr.html`). */
  index: string;
  /** The page a single-page app answers unknown paths with. */
  fallback: string;
}

const fill = (line: string, site: NginxSite) =>
  line
    .replace('{port}', String(site.port))
    .replace('{root}', site.root)
    .replace('{index}', site.index)
    .replace(
      '{tryFiles}',
      (site.spa ? CONFIG.tryFiles.spa : CONFIG.tryFiles.static).replace(
        '{fallback}',
        site.fallback,
      ),
    );

/** The server block for the site; indented when it sits inside `http {}`. */
export function serverBlock(site: NginxSite, indent = ''): string[] {
  return CONFIG.server.map((l) => (l === '' ? '' : indent + fill(l, site)));
}

/** A complete nginx.conf that runs as any user: pid and temp paths under /tmp, no `user` directive. */
export function mainConfig(site: NginxSite): string[] {
  return [
    `# ${CONFIG.comment.main}`,
    ...CONFIG.main.flatMap((l) => (l === '{server}' ? serverBlock(site, '    ') : [l])),
  ];
}

export function serverConfig(site: NginxSite): string[] {
  return [`# ${CONFIG.comment.server}`, ...serverBlock(site)];
}

export const CONFIG_FILE_NAME = CONFIG.fileName;

/**
 * Whether a .dockerignore would keep `name` out of the build context: the last matching line
 * wins, `!` re-includes. Handles the patterns that matter here (exact names, `*`, `*.ext`, `**`).
 */
export function isDockerIgnored(dockerignore: string | undefined, name: string): boolean {
  if (dockerignore === undefined) return false;
  let ignored = false;
  for (const raw of dockerignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/^\*\*\//, '');
    const re = new RegExp(
      '^' +
        pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*/g, '.*')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') +
        '$',
    );
    if (re.test(name)) ignored = !negated;
  }
  return ignored;
}
