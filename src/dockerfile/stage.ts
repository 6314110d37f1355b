import { Arg, Copy, Env, Instruction, Label } from 'dockerfile-ast';
import { expandVariables, ImageRef, officialOrMirrored, parseImageRef } from './image-ref';
import { BUILDERS } from '../templates';
import {
  execFormOf,
  keywordOf,
  logicalArguments,
  ParsedDockerfile,
  Stage,
  stagesOf,
} from './parse';
import { splitCommandList } from './shell-words';
import posix from 'path/posix';

export interface CopyStep {
  ins: Instruction;
  keyword: 'COPY' | 'ADD';
  sources: string[];
  /** Absolute destination in the image (a folder when it ends with `/` or has several sources). */
  dest: string;
  fromStage: string | null;
  isHeredoc: boolean;
}

export interface RunStep {
  ins: Instruction;
  /** The logical shell text (continuations joined), or the exec-form words joined by spaces. */
  text: string;
  commands: string[];
  /** Workdir and user in effect when the step runs. */
  workdir: string;
  user: string | null;
}

export interface StageFacts {
  doc: ParsedDockerfile;
  stage: Stage;
  stageCount: number;
  /** Values of ARGs declared before FROM (defaults), used to resolve a templated base image. */
  globalArgs: Record<string, string | undefined>;
  baseImageText: string;
  baseImage: ImageRef | null;
  /** True when the FROM line used ARG substitution. */
  isTemplatedBase: boolean;
  platform: string | null;
  workdir: string | null;
  user: { ins: Instruction; value: string } | null;
  cmd: Instruction | null;
  entrypoint: Instruction | null;
  envs: Env[];
  envValues: Record<string, string>;
  args: Arg[];
  exposes: Instruction[];
  labels: Label[];
  volumes: Instruction[];
  stopSignal: Instruction | null;
  healthcheck: Instruction | null;
  shell: Instruction | null;
  onbuild: Instruction[];
  maintainer: Instruction | null;
  runs: RunStep[];
  copies: CopyStep[];
  /** Every CMD, so a file with several can be explained (the last one wins). */
  cmds: Instruction[];
  /** A WORKDIR whose variables have no known value: the app's folder cannot be known. */
  unresolvedWorkdir?: string;
}

export function analyzeStages(doc: ParsedDockerfile): StageFacts | null {
  const stages = stagesOf(doc);
  if (stages.length === 0) return null;
  const stage = stages[stages.length - 1];
  const globalArgs: Record<string, string | undefined> = {};
  for (const arg of doc.ast.getInitialARGs()) {
    const prop = arg.getProperty();
    if (prop) globalArgs[prop.getName()] = prop.getValue() ?? undefined;
  }
  const imageText = imageArgument(stage);
  const expanded = expandVariables(imageText, globalArgs);
  const facts: StageFacts = {
    doc,
    stage,
    stageCount: stages.length,
    globalArgs,
    baseImageText: imageText,
    baseImage: expanded === null ? templatedTagRef(imageText) : parseImageRef(expanded),
    isTemplatedBase: imageText.includes('$'),
    platform: stage.from.getPlatformFlag()?.getValue() ?? null,
    workdir: null,
    user: null,
    cmd: null,
    entrypoint: null,
    envs: [],
    envValues: {},
    args: [],
    exposes: [],
    labels: [],
    volumes: [],
    stopSignal: null,
    healthcheck: null,
    shell: null,
    onbuild: [],
    maintainer: null,
    runs: [],
    copies: [],
    cmds: [],
  };
  // The folder the base image itself starts in (golang: /go), where relative paths resolve.
  let workdir = imageWorkdir(facts.baseImage);
  let hasWorkdir = false;
  // ENV the base image itself sets (golang: GOPATH), which Dockerfiles reference as $GOPATH.
  const imageEnv: Record<string, string> =
    facts.baseImage && officialOrMirrored(facts.baseImage) === 'golang'
      ? BUILDERS.golang.env
      : facts.baseImage?.registry === null
        ? ((BUILDERS.golangAliases as Record<string, { env: Record<string, string> }>)[
            facts.baseImage.repository
          ]?.env ?? {})
        : {};
  const stageArgs: Record<string, string | undefined> = {};
  let user: string | null = null;
  for (const ins of stage.instructions) {
    switch (keywordOf(ins)) {
      case 'WORKDIR': {
        const value = logicalArguments(doc, ins).trim();
        const vars: Record<string, string | undefined> = {
          ...imageEnv,
          ...stageArgs,
          ...facts.envValues,
        };
        const resolved = expandVariables(value, vars);
        if (resolved === null) facts.unresolvedWorkdir = value;
        workdir = posix.resolve(workdir, resolved ?? value);
        hasWorkdir = true;
        break;
      }
      case 'ARG': {
        const prop = (ins as Arg).getProperty();
        if (prop) stageArgs[prop.getName()] = prop.getValue() ?? globalArgs[prop.getName()];
        facts.args.push(ins as Arg);
        break;
      }
      case 'USER':
        user = logicalArguments(doc, ins).trim();
        facts.user = { ins, value: user };
        break;
      case 'CMD':
        facts.cmd = ins;
        facts.cmds.push(ins);
        break;
      case 'ENTRYPOINT':
        facts.entrypoint = ins;
        break;
      case 'ENV': {
        const env = ins as Env;
        facts.envs.push(env);
        // Docker expands an ENV value when it is set, with the values set before this line.
        const vars: Record<string, string | undefined> = {
          ...imageEnv,
          ...stageArgs,
          ...facts.envValues,
        };
        for (const p of env.getProperties()) {
          const value = p.getValue() ?? '';
          facts.envValues[p.getName()] = value.includes('$')
            ? (expandVariables(value, vars) ?? value)
            : value;
        }
        break;
      }
      case 'EXPOSE':
        facts.exposes.push(ins);
        break;
      case 'LABEL':
        facts.labels.push(ins as Label);
        break;
      case 'VOLUME':
        facts.volumes.push(ins);
        break;
      case 'STOPSIGNAL':
        facts.stopSignal = ins;
        break;
      case 'HEALTHCHECK':
        facts.healthcheck = ins;
        break;
      case 'SHELL':
        facts.shell = ins;
        break;
      case 'ONBUILD':
        facts.onbuild.push(ins);
        break;
      case 'MAINTAINER':
        facts.maintainer = ins;
        break;
      case 'RUN': {
        const exec = execFormOf(doc, ins);
        const text = exec ? exec.join(' ') : logicalArguments(doc, ins);
        facts.runs.push({ ins, text, commands: splitCommandList(text), workdir, user });
        break;
      }
      case 'COPY':
      case 'ADD':
        facts.copies.push(
          copyStep(doc, ins, workdir, { ...imageEnv, ...stageArgs, ...facts.envValues }),
        );
        break;
    }
  }
  facts.workdir = hasWorkdir ? workdir : null;
  return facts;
}

/**
 * `golang:${GO_VERSION}` with no default for the ARG: the image is known, only its tag is not. The
 * reference keeps the tag as written, so a final stage can follow the same build argument.
 */
function templatedTagRef(text: string): ImageRef | null {
  const variable = /\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)/g;
  const colon = text.lastIndexOf(':');
  const slash = text.lastIndexOf('/');
  if (colon < 0 || colon < slash || variable.test(text.slice(0, colon))) return null;
  const ref = parseImageRef(
    text.slice(0, colon + 1) + text.slice(colon + 1).replace(variable, 'x'),
  );
  return ref && { ...ref, raw: text, tag: text.slice(colon + 1) };
}

function imageArgument(stage: Stage): string {
  const args = stage.from.getArguments().map((a) => a.getValue());
  return args[0] ?? '';
}

function copyStep(
  doc: ParsedDockerfile,
  ins: Instruction,
  workdir: string,
  vars: Record<string, string | undefined>,
): CopyStep {
  const keyword = keywordOf(ins) as 'COPY' | 'ADD';
  const flags = (ins as Copy).getFlags();
  const fromStage = flags.find((f) => f.getName() === 'from')?.getValue() ?? null;
  const exec = execFormOf(doc, ins);
  const raw = logicalArguments(doc, ins);
  const isHeredoc = /<<-?["']?\w+/.test(raw);
  let words = exec ?? ins.getArguments().map((a) => a.getValue());
  words = words.filter((w) => !w.startsWith('--'));
  // Docker expands ENV and ARG values in COPY's paths (ADD . $GOPATH/src/app); an unknown one stays.
  const expand = (w: string) => (w.includes('$') ? (expandVariables(w, vars) ?? w) : w);
  const destRaw = words.length > 0 ? expand(words[words.length - 1]) : '.';
  const sources = words.slice(0, -1).map(expand);
  let dest = posix.resolve(workdir, destRaw);
  if ((destRaw.endsWith('/') || destRaw === '.' || sources.length > 1) && dest !== '/') dest += '/';
  return { ins, keyword, sources, dest, fromStage, isHeredoc };
}

/** The working directory each of a RUN's commands runs in, following `cd` between them. */
export function commandCwds(run: RunStep): string[] {
  let cwd = run.workdir;
  return run.commands.map((c) => {
    const words = c.trim().split(/\s+/);
    if (words[0] === 'cd' && words[1] && !words[1].includes('$'))
      cwd = posix.resolve(cwd, words[1]);
    return cwd;
  });
}

/** The first port the stage EXPOSEs (`3000`, `8080/tcp`), or null. */
export function firstExposedPort(facts: StageFacts): number | null {
  for (const e of facts.exposes) {
    const m = /^(\d+)/.exec(e.getArguments()[0]?.getValue() ?? '');
    if (m) return Number(m[1]);
  }
  return null;
}

function imageWorkdir(ref: ImageRef | null): string {
  if (ref === null) return '/';
  if (officialOrMirrored(ref) === 'golang') return BUILDERS.golang.workdir;
  const alias = (BUILDERS.golangAliases as Record<string, { workdir: string }>)[ref.repository];
  return ref.registry === null && alias ? alias.workdir : '/';
}

/** Home folders of the users the builder images have (root everywhere, node in node images). */
const HOMES: Record<string, string> = {
  '': '/root',
  root: '/root',
  '0': '/root',
  node: '/home/node',
  '1000': '/home/node',
};

/**
 * A word of a RUN command as the path the shell makes of it: `~` and `$HOME` are the home of the
 * stage's USER at that step (or ENV HOME), other variables come from the stage's ENV and ARG
 * defaults, and a relative path is relative to the step's WORKDIR. Null when a part is unknown:
 * such a word is not used as a path.
 */
export function shellPath(word: string, run: RunStep, facts: StageFacts): string | null {
  const user = (run.user ?? '').split(':')[0];
  const home = facts.envValues.HOME ?? HOMES[user] ?? null;
  let w = word.replace(/^["']|["']$/g, '');
  if (w === '~' || w.startsWith('~/')) {
    if (home === null) return null;
    w = home + w.slice(1);
  } else if (w.startsWith('~')) return null;
  const vars: Record<string, string | undefined> = {
    ...Object.fromEntries(
      facts.args.map((a) => [
        a.getProperty()?.getName() ?? '',
        a.getProperty()?.getValue() ?? undefined,
      ]),
    ),
    ...facts.envValues,
    ...(home !== null && facts.envValues.HOME === undefined ? { HOME: home } : {}),
  };
  const expanded = w.includes('$') ? expandVariables(w, vars) : w;
  if (expanded === null || expanded.includes('$') || /[*?[\]{}`]/.test(expanded)) return null;
  return posix.resolve(run.workdir, expanded);
}
