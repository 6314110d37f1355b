import path from 'path';
import { DirIndex } from './dir-index';
import { Recent } from './recent';
import { roughWords } from '../dockerfile/shell-words';
import type { ImageMount, ImagePrivilege, ImageRun } from '../types';

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
/** Other compose files (overrides, per-environment files) also run the image they build. */
const OTHER_COMPOSE = /^(?:docker-)?compose[.-][\w.-]+\.ya?ml$/;
const USUAL_ENVIRONMENTS = ['prod', 'production', 'dev', 'development', 'local', 'staging'];
const OVERRIDES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

interface ComposeService {
  build?: unknown;
  command?: unknown;
  entrypoint?: unknown;
  healthcheck?: { test?: unknown; disable?: unknown } | null;
  working_dir?: unknown;
  volumes?: unknown;
  network_mode?: unknown;
  privileged?: unknown;
  cap_add?: unknown;
}

export interface ComposeFacts {
  context: string | null;
  runs: ImageRun[];
  mounts: ImageMount[];
  privileges: ImagePrivilege[];
}

interface Built {
  /** By the Dockerfile the services build: their context, what they run, what they mount. */
  contexts: Map<string, string>;
  runs: Map<string, ImageRun[]>;
  mounts: Map<string, ImageMount[]>;
  privileges: Map<string, ImagePrivilege[]>;
}

/** compose splits a string command into words as a shell would, without running one. */
function wordsOf(value: unknown): string[] | null {
  if (typeof value === 'string') return roughWords(value);
  if (Array.isArray(value) && value.every((w) => typeof w === 'string')) return value as string[];
  return null;
}

const asText = (value: unknown) =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : '';

/** What a service runs in its image beyond the image's own start. */
export function runsOfService(
  source: string,
  service: ComposeService,
  where?: { file: string; service: string },
): ImageRun[] {
  const out: ImageRun[] = [];
  const workdir = typeof service.working_dir === 'string' ? service.working_dir : undefined;
  const entrypoint = wordsOf(service.entrypoint);
  const command = wordsOf(service.command);
  if (entrypoint || command) {
    const text = [
      entrypoint ? `entrypoint: ${asText(service.entrypoint)}` : '',
      command ? `command: ${asText(service.command)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push({
      source,
      kind: 'start',
      ...(entrypoint ? { entrypoint } : {}),
      ...(command ? { command } : {}),
      ...(workdir ? { workdir } : {}),
      text,
      ...(where ? { compose: where } : {}),
    });
  }
  const check = service.healthcheck;
  if (check && check.disable !== true && check.test !== undefined) {
    const test = check.test;
    let argv: string[] | null = null;
    if (typeof test === 'string') argv = ['/bin/sh', '-c', test];
    else if (Array.isArray(test) && test[0] === 'CMD') argv = wordsOf(test.slice(1));
    else if (Array.isArray(test) && test[0] === 'CMD-SHELL')
      argv = ['/bin/sh', '-c', test.slice(1).join(' ')];
    if (argv)
      out.push({
        source,
        kind: 'healthcheck',
        command: argv,
        ...(workdir ? { workdir } : {}),
        text: `healthcheck: ${asText(test)}`,
      });
  }
  return out;
}

/**
 * What a service gives its container that a non-root process may not be able to use: the Docker
 * socket (mounted read-only or not: a socket is opened, not written), the host's network (where
 * ports below 1024 need root), privileged mode and added capabilities (which a non-root process
 * does not hold).
 */
export function privilegesOfService(source: string, service: ComposeService): ImagePrivilege[] {
  const out: ImagePrivilege[] = [];
  for (const v of Array.isArray(service.volumes) ? (service.volumes as unknown[]) : []) {
    const text =
      typeof v === 'string'
        ? v
        : v && typeof v === 'object'
          ? String((v as { source?: unknown }).source ?? '')
          : '';
    if (/docker\.sock/.test(text)) out.push({ source, kind: 'docker-socket', detail: text });
  }
  if (service.network_mode === 'host')
    out.push({ source, kind: 'host-network', detail: 'network_mode: host' });
  if (service.privileged === true)
    out.push({ source, kind: 'privileged', detail: 'privileged: true' });
  if (Array.isArray(service.cap_add))
    for (const c of service.cap_add as unknown[])
      if (typeof c === 'string') out.push({ source, kind: 'capability', detail: c });
  return out;
}

/** A service's writable bind mounts (`./data:/app/data`, or `type: bind`); named volumes are not. */
export function mountsOfService(source: string, service: ComposeService): ImageMount[] {
  if (!Array.isArray(service.volumes)) return [];
  const out: ImageMount[] = [];
  for (const v of service.volumes as unknown[]) {
    if (typeof v === 'string') {
      const [host, target, mode] = v.split(':');
      if (target && /^[./~$]/.test(host) && !/\bro\b/.test(mode ?? ''))
        out.push({ source, host, target });
    } else if (v && typeof v === 'object') {
      const m = v as { type?: unknown; source?: unknown; target?: unknown; read_only?: unknown };
      if (m.type === 'bind' && typeof m.source === 'string' && typeof m.target === 'string')
        if (m.read_only !== true) out.push({ source, host: m.source, target: m.target });
    }
  }
  return out;
}

/**
 * Build contexts named by compose files: Dockerfile path -> context folder. Monorepos keep their
 * Dockerfiles away from their contexts, and only the compose file says where the context is.
 * Also what the services that build a Dockerfile run in its image (command, entrypoint, health
 * check), which the final image must still be able to run.
 */
export class ComposeContexts {
  /** By folder, for the folders the walk is near: a Dockerfile's and its parents. */
  private readonly byDir = new Recent<string, Built>(4096);
  constructor(private readonly dirs: DirIndex) {}

  /**
   * What the compose files above `dockerfile`, up to the git root, say of it: the build context
   * the nearest one names, and what all of them run in its image and mount into it.
   */
  forDockerfile(dockerfile: string): ComposeFacts {
    const facts: ComposeFacts = { context: null, runs: [], mounts: [], privileges: [] };
    for (const built of this.above(dockerfile)) {
      facts.context ??= built.contexts.get(dockerfile) ?? null;
      facts.runs.push(...(built.runs.get(dockerfile) ?? []));
      facts.mounts.push(...(built.mounts.get(dockerfile) ?? []));
      facts.privileges.push(...(built.privileges.get(dockerfile) ?? []));
    }
    return facts;
  }

  private *above(dockerfile: string): Generator<Built> {
    let dir = path.dirname(dockerfile);
    for (;;) {
      yield this.load(dir);
      if (this.dirs.has(dir, '.git') || path.dirname(dir) === dir) return;
      dir = path.dirname(dir);
    }
  }

  private parse(dir: string, name: string): Record<string, ComposeService> {
    const text = this.dirs.read(dir, name);
    if (text === undefined) return {};
    try {
      // Loaded on first use: most runs meet no compose file.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const doc = (require('yaml') as typeof import('yaml')).parse(text) as {
        services?: unknown;
      } | null;
      const services = doc?.services;
      return services && typeof services === 'object'
        ? (services as Record<string, ComposeService>)
        : {};
    } catch {
      return {};
    }
  }

  private load(dir: string): Built {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const built: Built = {
      contexts: new Map(),
      runs: new Map(),
      mounts: new Map(),
      privileges: new Map(),
    };
    // Above the paths given a folder is not listed, only asked about by name: the usual ones.
    const names =
      this.dirs.namesInside(dir) ??
      USUAL_ENVIRONMENTS.flatMap((env) =>
        ['docker-compose', 'compose'].flatMap((b) => [`${b}.${env}.yml`, `${b}.${env}.yaml`]),
      ).filter((n) => this.dirs.has(dir, n));
    const others = names
      .filter((n) => OTHER_COMPOSE.test(n) && !COMPOSE_NAMES.includes(n) && !OVERRIDES.includes(n))
      .sort();
    /** Service name -> the Dockerfile it builds, for the override files, which omit build. */
    const byService = new Map<string, string>();
    for (const name of [...COMPOSE_NAMES, ...others]) {
      for (const [serviceName, service] of Object.entries(this.parse(dir, name))) {
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
        if (COMPOSE_NAMES.includes(name)) {
          if (!built.contexts.has(dockerfile)) built.contexts.set(dockerfile, context);
          byService.set(serviceName, dockerfile);
        }
        this.add(built, dockerfile, `${name}, service ${serviceName}`, service, {
          file: path.join(dir, name),
          service: serviceName,
        });
      }
    }
    for (const name of OVERRIDES) {
      for (const [serviceName, service] of Object.entries(this.parse(dir, name))) {
        const dockerfile = byService.get(serviceName);
        if (dockerfile && service)
          this.add(built, dockerfile, `${name}, service ${serviceName}`, service);
      }
    }
    this.byDir.set(dir, built);
    return built;
  }

  private add(
    built: Built,
    dockerfile: string,
    source: string,
    service: ComposeService,
    where?: { file: string; service: string },
  ): void {
    const runs = runsOfService(source, service, where);
    if (runs.length > 0)
      built.runs.set(dockerfile, [...(built.runs.get(dockerfile) ?? []), ...runs]);
    const mounts = mountsOfService(source, service);
    if (mounts.length > 0)
      built.mounts.set(dockerfile, [...(built.mounts.get(dockerfile) ?? []), ...mounts]);
    const privileges = privilegesOfService(source, service);
    if (privileges.length > 0)
      built.privileges.set(dockerfile, [
        ...(built.privileges.get(dockerfile) ?? []),
        ...privileges,
      ]);
  }
}
