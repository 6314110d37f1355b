import type { InitWrapper } from '../../dockerfile/command';
import type { Change } from '../../dockerfile/edit';
import { healthcheckPrograms, planHealthcheck } from '../../common/healthcheck';
import { parseImageRef } from '../../dockerfile/image-ref';
import type { SplitStage } from '../../common/split-stage';
import { BaseImageContract, NODE_FACTS } from '../../templates';
import type { Note } from '../../types';
import type { NodeFacts } from '../analyze';
import { analyzeNodeBase } from '../image';
import { nodeImageHas } from '../programs';
import type { NodeRuntimeProfile } from './profile';

/**
 * The init process (tini, dumb-init) the original ran node under, in the final image: the one the
 * image ships, or the builder's binary copied over (slim too: node's -slim images have no init).
 */
export function keptInit(
  facts: NodeFacts,
  init: InitWrapper,
  profile: NodeRuntimeProfile,
  split: SplitStage,
): { entrypoint: string[]; line?: string; change?: Change; warning?: Note } {
  const t = profile.template;
  if (t.initPath && init.name === 'dumb-init')
    return { entrypoint: [t.initPath, ...init.args, '--', t.nodePath as string] };
  if (t.initPath)
    return {
      entrypoint: [t.initPath, '--', t.nodePath as string],
      warning: {
        rule: 'node/keep-init-process',
        reason: `${init.name} replaced by ${t.initPath}, which ${profile.finalImage} ships`,
      },
    };
  const tool = facts.osPackageTool === 'apk' ? 'apk' : 'apt';
  const known = (NODE_FACTS.initBinaryPaths as Record<string, Record<string, string>>)[tool][
    init.name
  ];
  const path = init.program.startsWith('/') ? init.program : known;
  // A slim image has no init of its own either: the builder's binary comes along, and the
  // ENTRYPOINT stays as written (the image has a PATH and runs node itself).
  const entrypoint =
    profile.target === 'slim'
      ? [init.program, ...init.args, '--']
      : [path, ...init.args, '--', t.nodePath as string];
  return {
    entrypoint,
    line: split.writer.line('COPY', `--from=${split.builderName} ${path} ${path}`),
    change: {
      note: {
        rule: 'node/keep-init-process',
        reason: `${init.name} stays PID 1: ${path} is copied from the builder and runs node`,
      },
      edits: [],
    },
  };
}

/**
 * The original HEALTHCHECK: kept as written where the final image can run it, run with node instead
 * of curl or wget, or dropped with why.
 */
export function nodeHealthcheck(
  facts: NodeFacts,
  t: BaseImageContract,
  split: SplitStage,
  finalImage: string,
): { line?: string; change?: Change; warning?: Note } {
  const { stage } = facts;
  const w = split.writer;
  const ins = stage.healthcheck!;
  // A final with a shell and every program the check runs runs it as the original did.
  const programs = t.hasShell ? healthcheckPrograms(stage.doc, ins) : null;
  const finalRef = parseImageRef(finalImage);
  if (
    programs !== null &&
    finalRef !== null &&
    programs.every((p) => nodeImageHas(p, analyzeNodeBase(finalRef), facts.runtimeOsPackages))
  )
    return { line: split.moved.get(ins) + w.eol };
  const hc = planHealthcheck(stage.doc, ins, t.nodePath as string, w.kw('HEALTHCHECK'));
  if (hc.kind === 'keep') return { line: split.moved.get(ins) + w.eol };
  if (hc.kind === 'convert')
    return {
      line: (split.comments.get(ins) ?? '') + hc.line + w.eol,
      change: { note: { rule: 'node/convert-healthcheck', reason: hc.how }, edits: [] },
    };
  return {
    warning: { rule: 'node/convert-healthcheck', reason: `HEALTHCHECK dropped: ${hc.reason}` },
  };
}
