import path from 'path';
import { DockerizeError } from '../errors';
import type { NginxVariant, Target, TransformOptions } from '../types';
import { ComposeContexts, ComposeFacts } from './compose';
import { ConfigFinder, RepoConfig } from './config';
import { ContextCache } from './context-cache';
import { DirIndex, isUnder } from './dir-index';
import type { Io } from './io';
import { displayPath, FileOutcome, processFile } from './process-file';

/** What decides each file's options, in a form that can be sent to a worker thread. */
export interface JobSettings {
  target?: Target;
  user?: string;
  nginx?: NginxVariant;
  harden: boolean;
  devToProduction: boolean;
  minimal?: boolean;
  node?: number;
  context?: string;
  /** A --config file, already read and checked; otherwise each file's nearest config applies. */
  explicitConfig: RepoConfig | null;
  /** Dry runs need only the diff, not both texts, back from the worker. */
  lean: boolean;
  /**
   * What the main thread keeps of each outcome after printing it (run.ts): with `none`, a dry
   * run's outcome comes back without what only the JSON document and --write read.
   */
  keep?: 'all' | 'facts' | 'none';
  /**
   * Real paths of the folders named on the command line (a named file's folder): new files are
   * created only inside them.
   */
  roots: string[];
  /** The same folders as given (absolute) and as real paths: where folders are listed. */
  walkRoots: string[];
}

/** Flags win over the repo's config file, which wins over the built-in defaults. */
export function effectiveOptions(
  settings: JobSettings,
  config: RepoConfig | null,
): TransformOptions {
  return {
    target: settings.target ?? config?.target ?? 'auto',
    user: settings.user ?? config?.user,
    nginx: settings.nginx ?? config?.nginx ?? 'alpine',
    harden: settings.harden,
    devToProduction: settings.devToProduction,
    minimal: settings.minimal ?? config?.minimal ?? false,
    node: settings.node,
  };
}

/** A Dockerfile to run, with the config that applies to it when the walk already found it. */
export interface Job {
  file: string;
  /** undefined: not known yet, looked for from the file's folder up. */
  config?: RepoConfig | null;
}

/** Runs one file end to end where it is called (main thread or worker): options, context, rewrite. */
export class JobRunner {
  private rootSet: ReadonlySet<string> | undefined;
  private readonly configs: ConfigFinder;
  private readonly compose: ComposeContexts;
  private readonly contexts: ContextCache | undefined;

  constructor(
    private readonly settings: JobSettings,
    private readonly io: Io,
    private readonly dirs: DirIndex = new DirIndex(io, settings.walkRoots),
  ) {
    this.configs = new ConfigFinder(dirs);
    this.compose = new ComposeContexts(dirs);
    this.contexts = settings.lean ? new ContextCache(io, dirs) : undefined;
  }

  private insideRoots(dir: string): boolean {
    let real: string;
    try {
      real = this.io.fs.realpathSync(dir);
    } catch {
      return false;
    }
    return isUnder(real, (this.rootSet ??= new Set(this.settings.roots)));
  }

  run({ file, config: known }: Job): FileOutcome {
    let options: TransformOptions;
    let context: string | undefined;
    let compose: ComposeFacts;
    try {
      const config =
        this.settings.explicitConfig ??
        (known !== undefined ? known : this.configs.find(path.dirname(file)));
      options = effectiveOptions(this.settings, config);
      compose = this.compose.forDockerfile(file);
      context = this.settings.context ?? compose.context ?? undefined;
    } catch (e) {
      const de = e as DockerizeError;
      return {
        file,
        display: displayPath(file, this.io),
        status: 'error',
        error: { code: de.code ?? 'E_USAGE', message: de.message },
      };
    }
    const outcome = processFile(file, options, context, this.io, this.dirs, compose, this.contexts);
    const newFiles = outcome.result?.newFiles ?? [];
    if (newFiles.length > 0 && outcome.contextRoot && !this.insideRoots(outcome.contextRoot)) {
      outcome.status = 'skipped';
      outcome.result = {
        output: '',
        changed: false,
        edits: [],
        warnings: [],
        skipped: {
          rule: 'common/context-outside',
          class: 'unsafe',
          reason: `the rewrite creates ${newFiles.map((f) => f.path).join(', ')} in its build context ${displayPath(outcome.contextRoot, this.io)}, which is outside the paths given`,
          suggestion: 'run dockerize-slim on a folder that contains the build context',
        },
      };
      outcome.diff = undefined;
      outcome.newFileDiffs = undefined;
    }
    if (this.settings.lean && outcome.result) {
      outcome.before = undefined;
      outcome.result.output = '';
      // Printed, counted and forgotten: the contract, the runtime folders and the new files'
      // contents (their diffs are made) are read by nothing else.
      if (this.settings.keep === 'none') {
        outcome.result.contract = undefined;
        outcome.result.runtimeFolders = undefined;
        if (outcome.result.newFiles)
          outcome.result.newFiles = outcome.result.newFiles.map((f) => ({ ...f, content: '' }));
      }
    }
    return outcome;
  }
}
