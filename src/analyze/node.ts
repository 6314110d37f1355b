import { DockerizeError } from '../errors';
import { NODE_FACTS } from '../templates';
import type { BuildContext, TransformOptions } from '../types';
import { effectiveCommand } from './command';
import { analyzeNodeBase, NodeBase } from './node-image';
import {
  classifyCommand,
  CommandClass,
  detectPackageManager,
  PackageManager,
  PackageManagerFacts,
} from './package-manager';
import { RunStep, StageFacts } from './stage';
import { PackageJson, resolveStartCommand, StartCommand } from './start-command';

export interface ClassifiedRun {
  run: RunStep;
  classes: CommandClass[];
}

export interface NodeFacts {
  stage: StageFacts;
  base: NodeBase;
  packageJson: PackageJson | null;
  pm: PackageManagerFacts;
  runs: ClassifiedRun[];
  /** OS packages installed in the stage that the runtime needs (not build tools). */
  runtimeOsPackages: string[];
  osPackageTool: 'apt' | 'apk' | 'other' | null;
  nativeAddons: string[];
  globalClis: string[];
  hasBuildStep: boolean;
  installOmitsDev: boolean;
  start: StartCommand;
}

const BUILD_ONLY = new Set(NODE_FACTS.buildOnlyOsPackages);
const INIT = new Set(NODE_FACTS.initPackages);
const NATIVE = new Set(NODE_FACTS.nativeAddonPackages);

export function readPackageJson(context: BuildContext): PackageJson | null {
  const text = context.files['package.json'];
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('not a JSON object');
    }
    return value as PackageJson;
  } catch (e) {
    throw new DockerizeError(
      'E_CONTEXT',
      `package.json is not valid JSON (${(e as Error).message})`,
    );
  }
}

export function analyzeNode(
  stage: StageFacts,
  context: BuildContext,
  options: TransformOptions = {},
): NodeFacts {
  if (!stage.baseImage) throw new Error('analyzeNode needs a resolved base image');
  const base = analyzeNodeBase(stage.baseImage);
  const packageJson = readPackageJson(context);
  const runs: ClassifiedRun[] = stage.runs.map((run) => ({
    run,
    classes: run.commands.map(classifyCommand),
  }));
  const classes = runs.flatMap((r) => r.classes);
  const installer = classes.find((c) => c.kind === 'install')?.manager ?? null;
  const pm = detectPackageManager(context.paths, context.files, installer as PackageManager | null);
  const runtimeOsPackages: string[] = [];
  let osPackageTool: NodeFacts['osPackageTool'] = null;
  for (const r of runs) {
    for (let i = 0; i < r.classes.length; i++) {
      const c = r.classes[i];
      if (c.kind !== 'os-packages') continue;
      const cmd = r.run.commands[i];
      osPackageTool = /^\s*apk\b/.test(cmd)
        ? 'apk'
        : /^\s*apt(-get)?\b/.test(cmd)
          ? 'apt'
          : 'other';
      for (const p of c.packages ?? [])
        if (!BUILD_ONLY.has(p) && !INIT.has(p)) runtimeOsPackages.push(p);
    }
  }
  const deps = { ...(packageJson?.dependencies ?? {}) };
  const nativeAddons = Object.keys(deps).filter((d) => NATIVE.has(d));
  const globalClis = classes
    .filter((c) => c.kind === 'global-install')
    .flatMap((c) => c.packages ?? []);
  const command = effectiveCommand(stage);
  const start: StartCommand =
    command === null
      ? {
          ok: false,
          rule: 'node/resolve-start-command',
          reason: 'the stage has no CMD or ENTRYPOINT, so the image would start a node REPL',
        }
      : resolveStartCommand({
          command,
          packageJson,
          paths: context.paths,
          devToProduction: options.devToProduction,
        });
  return {
    stage,
    base,
    packageJson,
    pm,
    runs,
    runtimeOsPackages,
    osPackageTool,
    nativeAddons,
    globalClis,
    hasBuildStep: classes.some((c) => c.kind === 'build'),
    installOmitsDev:
      classes.some((c) => c.kind === 'install' && c.omitsDev) ||
      /^prod/.test(stage.envValues.NODE_ENV ?? ''),
    start,
  };
}
