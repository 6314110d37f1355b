/** A rule id, `<scope>/<name>`, stable forever (see docs/rules.md). */
export type RuleId = `${'common' | 'node' | 'go' | 'static'}/${string}`;

export type Target = 'auto' | 'distroless' | 'cgr' | 'scratch' | 'slim' | 'nginx';
export type NginxVariant = 'alpine' | 'unprivileged' | 'chainguard';

export interface Note {
  rule: RuleId;
  reason: string;
}

/**
 * Why a file was left alone, for a bulk user sorting skips: the original cannot build or start as
 * it is, it is a development container, a rewrite could break the app at run time, or the tool
 * does not handle this shape.
 */
export type SkipClass = 'cannot-build' | 'development' | 'unsafe' | 'unsupported';

export interface Skip extends Note {
  suggestion?: string;
  /** Set by the engine from the rule when the planner does not say (see skip-class.ts). */
  class?: SkipClass;
  /** 1-based line of the instruction concerned, when one is. */
  line?: number;
}

/** A file the rewrite adds to the build context (e.g. nginx.conf), path relative to the context root. */
export interface NewFile {
  path: string;
  content: string;
}

export interface TransformOptions {
  target?: Target;
  /** Numeric `UID[:GID]`, or a name the final image's /etc/passwd has. */
  user?: string;
  nginx?: NginxVariant;
  /** On multi-stage files, add a numeric non-root USER to a final stage that runs as root. */
  harden?: boolean;
  /** Rewrite development containers (a dev server as the start command) into a production build. */
  devToProduction?: boolean;
  /** Move a Node app to this major (builder and final); never lower than the app's own. */
  node?: number;
  /**
   * Only what detection proves: Go's final stage gets only the files the binary is seen to open
   * instead of the app's folders minus what is provably build-only, and the app folder (Go and
   * Node) is read-only except the folders detection found written, instead of owned by the
   * final user as the original's root could write anywhere in it (the default: safe first).
   */
  minimal?: boolean;
  /**
   * What the original was seen to need at run time that the rewrite lacked (verify --observe
   * --write): the final stage gets it (transforms/common/observed-needs.ts). Absent: nothing
   * observed, nothing changes.
   */
  observed?: ObservedNeeds;
}

/** Run-time needs of the original that its rewrite lacked, each a path in the image. */
export interface ObservedNeeds {
  /** Files or folders the app read: copied from the builder to the same path. */
  keepPaths: string[];
  /** Files or folders the app wrote that exist in the builder: copied owned by the final user. */
  ownPaths: string[];
  /** Folders the app made where the final user cannot: made in the builder, copied owned. */
  makePaths?: string[];
  /** OS packages whose files the app read or ran: installed in a final with a package manager. */
  osPackages: string[];
  /** Programs the app ran that the builder has and no OS package provides: copied. */
  programs: string[];
  /** devDependencies the app loaded that the prune removed: the prune is dropped. */
  devDependencies?: string[];
  /** What was seen, per path or name above, for the rule line (`read /app/pages/home.md`). */
  evidence?: Record<string, string>;
}

/** A folder of the final image filled from the builder's, and what the build context puts there. */
export interface RuntimeFolder {
  /** The folder in the image. */
  path: string;
  /** Top-level entries kept (folders end with /), with their size when the context was measured. */
  kept: Array<{ name: string; bytes: number | null }>;
  /** What is left out, and why each is build-only: `23 .go files (Go build inputs)`. */
  dropped: string[];
  /** Files of the build context kept, and how many of them detection alone would have left out. */
  files: number;
  undetected: number;
  /** Why what the image carries may differ from `kept`, or null when the list is exact. */
  estimate: string | null;
}

/**
 * What the caller read from the build context. Paths are relative to the context root and use `/`.
 * `files` holds the contents of the files `selectContextFiles` asked for (absent: not read).
 */
export interface BuildContext {
  paths: string[];
  files: Record<string, string>;
  /** Folders listed (`dist/`) but not walked (dependencies, build output): their contents are unknown. */
  opaque?: string[];
  /** The listing stopped at its limit: a path missing from it may still exist. */
  truncated?: boolean;
  /** Sizes in bytes of the listed files, where the caller measured them (Go contexts). */
  sizes?: Record<string, number>;
  /** Symbolic links of the context and what each points to, as written in the link. */
  links?: Record<string, string>;
  /** The Dockerfile's own path in the context, when it is inside it (action.yml names it). */
  dockerfile?: string;
  /** What other files run in the built image: compose services' command, entrypoint, health check. */
  runs?: ImageRun[];
  /** Host folders or files compose services bind-mount into the built image. */
  mounts?: ImageMount[];
  /** What compose services give the container that a non-root user may need (a socket, host network). */
  privileges?: ImagePrivilege[];
}

/** Something a compose service gives its container that only root can use, or only as root. */
export interface ImagePrivilege {
  /** Where it is written, for the user: `docker-compose.yml, service api`. */
  source: string;
  kind: 'docker-socket' | 'host-network' | 'privileged' | 'capability';
  /** The mount, mode or capability as written. */
  detail: string;
}

/** A compose service's bind mount of a host path into the image this Dockerfile builds. */
export interface ImageMount {
  /** Where it is written, for the user: `docker-compose.yml, service api`. */
  source: string;
  /** The host path as written (`./data`). */
  host: string;
  /** The path in the container. */
  target: string;
}

/**
 * A command another file runs in the image, where the Dockerfile cannot see it: a compose service
 * that builds this Dockerfile and sets its own start or health check. The final image must still
 * have the program it runs.
 */
export interface ImageRun {
  /** Where it is written, for the user: `docker-compose.yml, service api`. */
  source: string;
  /** A service's start (its entrypoint and command), or its health check. */
  kind: 'start' | 'healthcheck';
  /** The service's entrypoint, which replaces the image's (start only). */
  entrypoint?: string[];
  /** The service's command, or the health check's test (CMD-SHELL as /bin/sh -c). */
  command?: string[];
  /** The service's working_dir, which relative program paths resolve against. */
  workdir?: string;
  /** The setting as written, for the reason: `command: go run main.go`. */
  text: string;
  /**
   * The compose file (relative to the build context, when it is inside it) and the service, so a
   * development service can be pointed at the build stage by an override file beside it.
   */
  compose?: { file: string; service: string };
}

export interface TransformResult {
  output: string;
  changed: boolean;
  /** The target family that produced the output, when one did. */
  target?: Exclude<Target, 'auto'>;
  /** The original stage's base image (the builder's), when the file was rewritten. */
  baseImage?: string;
  /** Final image reference, when the file was rewritten. */
  finalImage?: string;
  /** Whether the final image has /bin/sh, from its contract in templates/. */
  finalHasShell?: boolean;
  edits: Note[];
  warnings: Note[];
  skipped?: Skip;
  /** Files the rewrite creates in the build context; written only with the Dockerfile. */
  newFiles?: NewFile[];
  /** The folders the final stage carries beyond the program itself, for a reviewer (Go rewrites). */
  runtimeFolders?: RuntimeFolder[];
  /** What the original stage and the new final stage run, for a rewritten file (see contract.ts). */
  contract?: { before: RuntimeContract; after: RuntimeContract };
}

/**
 * What an image does when it runs, as far as its Dockerfile and base image say: the process it
 * starts, its environment, folder, ports, volumes, labels, stop signal, health check and user.
 * The rewrite's final stage must keep every field of the original stage, or say why with a rule.
 */
export interface RuntimeContract {
  /** The start command as the process sees it; null when unknown (a shell line is kept as sh -c). */
  argv: string[] | null;
  env: Record<string, string>;
  workdir: string;
  expose: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string | null;
  /** The HEALTHCHECK as written (spaces collapsed), `NONE`, or null when there is none. */
  healthcheck: string | null;
  user: string;
}

/** The base image's own settings, which a stage inherits until it sets its own. */
export interface ImageDefaults {
  entrypoint: string[] | null;
  cmd: string[] | null;
  workdir: string;
  user: string;
  /** The image's own ENV, for expanding $GOPATH and the like in WORKDIR. */
  env?: Record<string, string>;
}
