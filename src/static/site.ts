import posix from 'path/posix';
import { roughWords, splitShellWords } from '../dockerfile/shell-words';
import STATIC_FACTS from '../../templates/facts/static.json';
import type { BuildContext } from '../types';
import { effectiveCommand } from '../dockerfile/command';
import { NodeFacts } from '../node/analyze';
import { leadingExpression, stripComments } from '../node/sources';
import { staticPath } from '../build-context/js-expr';
import { firstExposedPort } from '../dockerfile/stage';
import { contextPathOf } from '../dockerfile/copies';

type Framework = (typeof STATIC_FACTS.frameworks)[number];

export interface StaticSite {
  framework: Framework;
  /** Folder of the built files in the builder, absolute. */
  outDir: string;
  spa: boolean;
  /** The entry page the build writes (`index.csr.html` for Angular with server rendering). */
  index: string;
  /** The page unknown paths fall back to in a single-page app (SvelteKit's `fallback`). */
  fallback: string;
  port: number;
  /** How the original served the files (for the reason shown to the user). */
  servedBy: string;
  /** The build step is missing from the Dockerfile (the original ran a dev server): one must be added. */
  needsBuildStep: string | null;
  /** The original served the site with the framework's development server. */
  isDevServer: boolean;
  /** ENV names a Node server read at runtime; nginx does not need them. */
  runtimeEnv: string[];
  /**
   * Set when the original's server served the site under a base path from the framework config
   * (the phrase says which), which nginx serving the folder at / would not.
   */
  underBase: string | null;
}

export type StaticDetection =
  | { kind: 'static'; site: StaticSite }
  | { kind: 'server'; reason: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'none' };

function allDeps(facts: NodeFacts): Record<string, string> {
  return {
    ...(facts.packageJson?.dependencies ?? {}),
    ...(facts.packageJson?.devDependencies ?? {}),
  };
}

/** Which framework builds the app into static files, if any; null when a server marker wins. */
function findFramework(
  facts: NodeFacts,
  context: BuildContext,
): { framework: Framework | null; server: string | null } {
  const deps = allDeps(facts);
  const configText = (base: string | null) => {
    const text = base
      ? Object.entries(context.files).find(([p]) => p.startsWith(base + '.') || p === base)?.[1]
      : undefined;
    return text === undefined ? null : stripComments(text);
  };
  if (deps.next) {
    const config = configText('next.config') ?? '';
    if (/output\s*:\s*['"]export['"]/.test(config))
      return {
        framework: STATIC_FACTS.frameworks.find((f) => f.id === 'next-export')!,
        server: null,
      };
    return { framework: null, server: STATIC_FACTS.serverMarkers.next };
  }
  for (const marker of ['nuxt', '@sveltejs/adapter-node', '@astrojs/node'] as const) {
    if (deps[marker]) return { framework: null, server: STATIC_FACTS.serverMarkers[marker] };
  }
  if (deps.astro && /output\s*:\s*['"](server|hybrid)['"]/.test(configText('astro.config') ?? '')) {
    return { framework: null, server: 'Astro with output: server renders on a Node server' };
  }
  const order = ['sveltekit-static', 'astro', 'gatsby', 'angular', 'vue-cli', 'cra', 'vite'];
  for (const id of order) {
    const f = STATIC_FACTS.frameworks.find((x) => x.id === id)!;
    if (deps[f.package]) return { framework: f, server: null };
  }
  return { framework: null, server: null };
}

/** The build output folder, from the framework's default or its config when the config sets it plainly. */
function outputFolder(f: Framework, context: BuildContext): string | { unknown: string } {
  const config = f.config
    ? Object.entries(context.files).find(([p]) => p === f.config || p.startsWith(f.config + '.'))
    : undefined;
  // A commented-out option is not set.
  const text = stripComments(config?.[1] ?? '');
  switch (f.id) {
    case 'vite':
    case 'astro': {
      const m = /outDir\s*:\s*(['"`])([^'"`$]+)\1/.exec(text);
      if (m) return m[2];
      const at = /outDir\s*:\s*/.exec(text);
      if (!at) return f.outDir as string;
      // path.resolve(__dirname, 'out'): a folder the config names plainly, beside the config.
      const p = staticPath(leadingExpression(text.slice(at.index + at[0].length)));
      const folder = p && !p.dynamicTail ? posix.normalize(p.path).replace(/\/$/, '') : null;
      if (folder && folder !== '.' && !folder.startsWith('/') && !folder.startsWith('..'))
        return folder;
      return { unknown: `${config?.[0]} sets outDir to an expression` };
    }
    case 'vue-cli': {
      const m = /outputDir\s*:\s*(['"`])([^'"`$]+)\1/.exec(text);
      return m ? m[2] : (f.outDir as string);
    }
    case 'sveltekit-static': {
      const m = /pages\s*:\s*(['"`])([^'"`$]+)\1/.exec(text);
      return m ? m[2] : (f.outDir as string);
    }
    case 'next-export': {
      const m = /distDir\s*:\s*(['"`])([^'"`$]+)\1/.exec(text);
      return m ? m[2] : (f.outDir as string);
    }
    case 'angular':
      return angularOutput(context.files['angular.json']);
    default:
      return f.outDir as string;
  }
}

interface AngularTarget {
  builder?: string;
  options?: { outputPath?: string | { base?: string; browser?: string } };
}

function angularOutput(text: string | undefined): string | { unknown: string } {
  if (!text) return { unknown: 'angular.json is not in the build context' };
  let json: {
    defaultProject?: string;
    projects?: Record<string, { projectType?: string; architect?: { build?: AngularTarget } }>;
  };
  try {
    json = JSON.parse(text);
  } catch {
    return { unknown: 'angular.json is not valid JSON' };
  }
  const projects = Object.entries(json.projects ?? {}).filter(
    ([, p]) => p.projectType !== 'library',
  );
  const chosen = json.defaultProject
    ? projects.find(([n]) => n === json.defaultProject)
    : projects.length === 1
      ? projects[0]
      : undefined;
  if (!chosen) return { unknown: 'angular.json has several applications and no defaultProject' };
  const [name, project] = chosen;
  const build = project.architect?.build;
  const out = build?.options?.outputPath;
  const modern =
    /:application$|build:application|:browser-esbuild$/.test(build?.builder ?? '') &&
    !/browser-esbuild/.test(build?.builder ?? '');
  if (typeof out === 'object' && out !== null)
    return posix.join(out.base ?? `dist/${name}`, out.browser ?? 'browser');
  if (typeof out === 'string') return modern ? posix.join(out, 'browser') : out;
  return modern
    ? `dist/${name}/browser`
    : { unknown: `angular.json sets no outputPath for ${name}` };
}

interface Served {
  by: string;
  /** The server as named in the facts: a static server, or the dev command that matched. */
  name: string;
  dir: string | null;
  spa: boolean;
  port: number | null;
  dev: boolean;
}

/** How the original image serves the files: a static server, a preview, or a dev server. */
function servingCommand(facts: NodeFacts, framework: Framework | null): Served | null {
  const command = effectiveCommand(facts.stage);
  if (command === null) return null;
  let words = Array.isArray(command)
    ? command
    : (() => {
        const s = splitShellWords(command.shell);
        return s.plain ? s.words : null;
      })();
  if (!words) return null;
  if (words[0] === 'npx') words = words.slice(1).filter((w, i) => !(i === 0 && w === '--yes'));
  const scripts = facts.packageJson?.scripts ?? {};
  const pm = ['npm', 'yarn', 'pnpm'];
  for (let depth = 0; depth < 4 && pm.includes(words[0]); depth++) {
    const current: string[] = words;
    const viaRun = current[1] === 'run' || current[1] === 'run-script';
    const name: string | undefined = viaRun ? current[2] : current[1];
    const extra: string[] = current.slice(viaRun ? 3 : 2).filter((w) => w !== '--');
    const body: string | undefined = name ? scripts[name] : undefined;
    if (!body) return null;
    words = [...roughWords(body), ...extra];
  }
  const line = words.join(' ');
  const flag = (names: string[]) => {
    for (let i = 0; i < words!.length; i++) {
      for (const n of names) {
        if (words![i] === n) return words![i + 1] ?? null;
        if (words![i].startsWith(n + '=')) return words![i].slice(n.length + 1);
      }
    }
    return null;
  };
  const portOf = (v: string | null) => {
    const m = v ? /(\d+)$/.exec(v) : null;
    return m ? Number(m[1]) : null;
  };
  const servers = STATIC_FACTS.staticServers as Record<
    string,
    { defaultPort: number; portFlags: string[]; spaFlags: string[] }
  >;
  for (const [name, s] of Object.entries(servers)) {
    const parts = name.split(' ');
    if (words.slice(0, parts.length).join(' ') !== name) continue;
    const args = words.slice(parts.length);
    const positional = args.filter(
      (a, i) =>
        !a.startsWith('-') &&
        !(
          i > 0 &&
          args[i - 1].startsWith('-') &&
          !args[i - 1].includes('=') &&
          [...s.portFlags, '-c', '--config', '-a'].includes(args[i - 1])
        ),
    );
    return {
      by: line,
      name,
      dir: parts.length === 1 ? (positional[0] ?? null) : null,
      spa: args.some((a) => s.spaFlags.includes(a)),
      port: portOf(flag(s.portFlags)) ?? portFromEnv(facts) ?? s.defaultPort,
      dev: false,
    };
  }
  const dev = framework?.devCommands.find((d) => line === d || line.startsWith(d + ' '));
  if (framework && dev) {
    const devPorts = STATIC_FACTS.devServerPorts as Record<string, number>;
    return {
      by: line,
      name: dev,
      dir: null,
      spa: false,
      port: portOf(flag(['--port', '-p'])) ?? portFromEnv(facts) ?? devPorts[framework.id] ?? null,
      dev: true,
    };
  }
  return null;
}

/** Files a static server serves that the image never builds: copied from the host as they are. */
const PREBUILT: Framework = {
  id: 'prebuilt',
  name: 'Prebuilt static files',
  package: '',
  outDir: '.',
  buildCommand: '',
  devCommands: [],
  config: null,
  baseOption: null,
};

/** The folder a static server serves after the Dockerfile's build, whatever tool built it. */
const BUILT: Framework = { ...PREBUILT, id: 'built', name: 'A folder the build makes' };

/**
 * The folder a static server serves, when the image never builds and a COPY of a folder of the
 * context fills it (committed, or built on the host and listed in .gitignore): the files are
 * the site as they are, whatever package.json says (or when there is none).
 */
function prebuiltFolder(facts: NodeFacts, served: Served): string | null {
  const appDir = facts.stage.workdir;
  if (facts.hasBuildStep || served.dev || appDir === null || appDir === '/') return null;
  const dir = served.dir ?? (served.name === 'serve' ? '.' : null);
  if (dir === null) return null;
  const image = posix.resolve(appDir, dir);
  const source = contextPathOf(facts.stage, facts.contextPaths, image);
  if (source === null || source === '' || !facts.stage.copies.some((c) => c.fromStage === null))
    return null;
  return image;
}

export function detectStaticSite(facts: NodeFacts, context: BuildContext): StaticDetection {
  const { framework, server } = findFramework(facts, context);
  if (server) return { kind: 'server', reason: server };
  const served = servingCommand(facts, framework);
  if (!served) return { kind: 'none' };
  const prebuilt = prebuiltFolder(facts, served);
  if (prebuilt !== null)
    return siteServed(facts, served, {
      framework: framework ?? PREBUILT,
      outDir: prebuilt,
      spa: served.spa,
      needsBuildStep: null,
      underBase: null,
    });
  if (!framework) {
    // A static server told which folder to serve, after the Dockerfile's build (http-server
    // storybook-static): that folder is the site, whatever tool built it.
    const appDir = facts.stage.workdir;
    if (
      served.dev ||
      served.dir === null ||
      !facts.hasBuildStep ||
      appDir === null ||
      appDir === '/'
    )
      return { kind: 'none' };
    return siteServed(facts, served, {
      framework: BUILT,
      outDir: posix.resolve(appDir, served.dir),
      spa: served.spa,
      needsBuildStep: null,
      underBase: null,
    });
  }
  const out = outputFolder(framework, context);
  const appDir = facts.stage.workdir;
  if (appDir === null || appDir === '/')
    return {
      kind: 'skip',
      reason:
        'the app is built in / (no WORKDIR), so its output folder cannot be copied apart from the OS',
    };
  let dir: string;
  if (served.dir !== null) dir = served.dir;
  else if (typeof out === 'string') dir = out;
  else return { kind: 'skip', reason: `the build output folder cannot be known: ${out.unknown}` };
  const base =
    served.dev || SERVERS[served.name]?.servesUnderBase ? basePath(framework, context) : null;
  const scripts = facts.packageJson?.scripts ?? {};
  let needsBuildStep: string | null = null;
  if (!facts.hasBuildStep) {
    const build = scripts.build;
    if (!build || !build.includes(framework.buildCommand.split(' ')[0])) {
      return {
        kind: 'skip',
        reason: `the image never builds the site and package.json has no build script running ${framework.buildCommand}`,
      };
    }
    needsBuildStep = `${facts.pm.manager ?? 'npm'} run build`;
  }
  const deps = allDeps(facts);
  const hasRouter = STATIC_FACTS.spaRouters.some((r) => deps[r] !== undefined);
  return siteServed(
    facts,
    served,
    {
      framework,
      outDir: posix.resolve(appDir, dir),
      // Dev servers answer unknown paths with index.html (history fallback); nginx keeps that.
      spa: served.spa || served.dev || (hasRouter && served.by.startsWith('vite preview')),
      needsBuildStep,
      underBase: base === null ? null : `${base}, and ${served.name} serves the site under it`,
    },
    entryPages(framework, context, facts),
  );
}

/**
 * The entry page a framework's build writes, and the page a single-page app falls back to, when
 * they are not index.html: Angular 18+ with server rendering or prerendering writes
 * `browser/index.csr.html` (angular/angular-cli#27443); Vue CLI's `indexPath`; SvelteKit
 * adapter-static's `fallback`.
 */
function entryPages(f: Framework, context: BuildContext, facts: NodeFacts): Pages {
  const config = f.config
    ? Object.entries(context.files).find(([p]) => p === f.config || p.startsWith(f.config + '.'))
    : undefined;
  // A commented-out option is not set.
  const text = stripComments(config?.[1] ?? '');
  const plain = (key: string) =>
    new RegExp(`\\b${key}\\s*:\\s*(['"\`])([^'"\`$]+)\\1`).exec(text)?.[2] ?? null;
  switch (f.id) {
    case 'angular': {
      const page = angularIndex(context.files['angular.json'], facts);
      // Prerendering may also write index.html for /: nginx tries it first.
      return page === 'index.csr.html'
        ? { index: 'index.html index.csr.html', fallback: page }
        : { index: page, fallback: page };
    }
    case 'vue-cli': {
      const page = plain('indexPath');
      return page ? { index: page, fallback: page } : PAGES;
    }
    case 'sveltekit-static': {
      const fallback = plain('fallback');
      // With a fallback page the site is a single-page app: unknown paths get that page.
      return fallback ? { index: 'index.html', fallback, spa: true } : PAGES;
    }
    default:
      return PAGES;
  }
}

interface Pages {
  /** nginx's `index`: one page, or several tried in order. */
  index: string;
  fallback: string;
  /** The build makes a single-page app whatever the original's server did. */
  spa?: boolean;
}

const PAGES: Pages = { index: 'index.html', fallback: 'index.html' };

function angularIndex(text: string | undefined, facts: NodeFacts): string {
  let json: {
    projects?: Record<
      string,
      { architect?: { build?: { builder?: string; options?: Record<string, unknown> } } }
    >;
  };
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return 'index.html';
  }
  const build = Object.values(json.projects ?? {})
    .map((p) => p.architect?.build)
    .find((b) => /application$/.test(b?.builder ?? ''));
  const options = build?.options ?? {};
  const major = Number(
    /(\d+)/.exec(allDeps(facts)['@angular/core'] ?? allDeps(facts)['@angular/build'] ?? '')?.[1] ??
      0,
  );
  const rendered =
    (options.ssr !== undefined && options.ssr !== false) ||
    (options.prerender !== undefined && options.prerender !== false) ||
    (options.server !== undefined && options.outputMode !== 'static');
  const index = options.index;
  const named =
    typeof index === 'object' &&
    index !== null &&
    typeof (index as { output?: unknown }).output === 'string'
      ? posix.basename((index as { output: string }).output)
      : 'index.html';
  return rendered && major >= 18 && named === 'index.html' ? 'index.csr.html' : named;
}

/** The site as the original served it, on its port (or a skip when the port is unknown). */
function siteServed(
  facts: NodeFacts,
  served: Served,
  site: Pick<StaticSite, 'framework' | 'outDir' | 'spa' | 'needsBuildStep' | 'underBase'>,
  pages: Pages = PAGES,
): StaticDetection {
  const port = served.port ?? firstExposedPort(facts.stage);
  if (port === null)
    return { kind: 'skip', reason: 'the port the site was served on cannot be known' };
  return {
    kind: 'static',
    site: {
      ...site,
      spa: site.spa || pages.spa === true,
      index: pages.index,
      fallback: pages.fallback,
      port,
      servedBy: served.by,
      isDevServer: served.dev,
      runtimeEnv: ['PORT', 'HOST', 'NODE_ENV'].filter((n) => n in facts.stage.envValues),
    },
  };
}

const SERVERS = STATIC_FACTS.staticServers as Record<string, { servesUnderBase: boolean }>;

/**
 * The framework config's base path when it is not the root (what its own servers serve under),
 * as a phrase for the skip; null for "/", "" and "./" (relative assets work anywhere) or none.
 */
function basePath(f: Framework, context: BuildContext): string | null {
  if (!f.baseOption || !f.config) return null;
  const config = Object.entries(context.files).find(
    ([p]) => p === f.config || p.startsWith(f.config + '.'),
  );
  if (!config) return null;
  const name = config[0];
  const text = stripComments(config[1]);
  const option = new RegExp(`\\b${f.baseOption}\\s*:\\s*(?:(['"\`])([^'"\`$]*)\\1)?`).exec(text);
  if (!option) return null;
  if (option[1] === undefined) return `${name} sets ${f.baseOption} to an expression`;
  return ['', '/', './'].includes(option[2])
    ? null
    : `${name} sets ${f.baseOption} to "${option[2]}"`;
}

function portFromEnv(facts: NodeFacts): number | null {
  const p = facts.stage.envValues.PORT;
  return p && /^\d+$/.test(p) ? Number(p) : null;
}
