import path from 'path';
import { DockerizeError } from '../errors';
import type { NginxVariant, Target, TransformOptions } from '../types';
import { ComposeContexts } from './compose';
import { ConfigFinder, RepoConfig } from './config';
import { DirIndex } from './dir-index';
import type { Io } from './io';
import { displayPath, FileOutcome, processFile } from './process-file';

/** What decides each file's options, in a form that can be sent to a worker thread. */
export interface JobSettings {
  target?: Target;
  user?: string;
  nginx?: NginxVariant;
  harden: boolean;
  devToProduction: boolean;
  node?: number;
  context?: string;
  /** A --config file, already read and checked; otherwise each file's nearest config applies. */
  explicitConfig: RepoConfig | null;
  /** Dry runs need only the diff, not both texts, back from the worker. */
  lean: boolean;
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
    node: settings.node,
  };
}

/** Runs one file end to end where it is called (main thread or worker): options, context, rewrite. */
export class JobRunner {
  private readonly configs: ConfigFinder;
  private readonly compose: ComposeContexts;

  constructor(
    private readonly settings: JobSettings,
    private readonly io: Io,
    dirs: DirIndex = new DirIndex(io),
  ) {
    this.configs = new ConfigFinder(dirs);
    this.compose = new ComposeContexts(dirs);
  }

  run(file: string): FileOutcome {
    let options: TransformOptions;
    let context: string | undefined;
    try {
      const config = this.settings.explicitConfig ?? this.configs.find(path.dirname(file));
      options = effectiveOptions(this.settings, config);
      context = this.settings.context ?? this.compose.contextFor(file) ?? undefined;
    } catch (e) {
      const de = e as DockerizeError;
      return {
        file,
        display: displayPath(file, this.io),
        status: 'error',
        error: { code: de.code ?? 'E_USAGE', message: de.message },
      };
    }
    const outcome = processFile(file, options, context, this.io);
    if (this.settings.lean && outcome.result) {
      outcome.before = undefined;
      outcome.result.output = '';
    }
    return outcome;
  }
}
