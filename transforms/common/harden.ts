import { Copy } from 'dockerfile-ast';
import { analyzeStages } from '../../src/dockerfile/stage';
import { Change, insertLines, LINE_ORDER, LineWriter } from '../../src/dockerfile/edit';
import { officialName, parseImageRef } from '../../src/dockerfile/image-ref';
import {
  keywordOf,
  logicalArguments,
  ParsedDockerfile,
  rangeOffsets,
} from '../../src/dockerfile/parse';
import { PlanResult } from '../../src/common/plan';
import type { Note, TransformOptions } from '../../src/types';

export const id = 'common/harden';
export const summary =
  'Multi-stage file (with --harden): a numeric non-root USER on a final stage that runs as root';

interface Known {
  uid: number;
  gid: number;
  names: Record<string, [number, number]>;
  hasShell: boolean;
  label: string;
}

/** Final images where adding USER is enough; nginx:alpine is not (its pid and temp paths are root's). */
function knownImage(image: string): Known | { refuse: string } | null {
  const ref = parseImageRef(image);
  if (!ref) return null;
  const repo = `${ref.registry ? ref.registry + '/' : ''}${ref.repository}`;
  if (repo.startsWith('gcr.io/distroless/'))
    return {
      uid: 65532,
      gid: 65532,
      names: { nonroot: [65532, 65532], nobody: [65534, 65534], root: [0, 0] },
      hasShell: /debug/.test(ref.tag ?? ''),
      label: 'distroless',
    };
  if (repo.startsWith('cgr.dev/chainguard/'))
    return {
      uid: 65532,
      gid: 65532,
      names: { nonroot: [65532, 65532], node: [65532, 65532], nginx: [65532, 65532] },
      hasShell: false,
      label: 'Chainguard',
    };
  if (repo === 'scratch')
    return { uid: 65532, gid: 65532, names: {}, hasShell: false, label: 'scratch' };
  if (officialName(ref) === 'node')
    return {
      uid: 1000,
      gid: 1000,
      names: { node: [1000, 1000], root: [0, 0] },
      hasShell: true,
      label: 'node',
    };
  if (officialName(ref) === 'nginx')
    return {
      refuse:
        'nginx as non-root also needs its pid file and temp paths moved; use nginxinc/nginx-unprivileged',
    };
  return null;
}

export default function plan(
  doc: ParsedDockerfile,
  options: TransformOptions,
): PlanResult | { unchanged: Note } {
  const facts = analyzeStages(doc);
  if (!facts) throw new Error('harden needs a parsed Dockerfile');
  const image = facts.baseImage?.raw ?? facts.baseImageText;
  const user = facts.user?.value;
  if (user && !/^(root|0)(:.*)?$/.test(user))
    return {
      unchanged: {
        rule: 'common/harden-final-stage',
        reason: `the final stage already runs as ${user}`,
      },
    };
  const known = image === 'scratch' ? knownImage('scratch') : knownImage(image);
  if (known === null)
    return {
      ok: false,
      skip: {
        rule: 'common/harden-final-stage',
        reason: `the final image ${image} is not one whose users this tool knows`,
      },
    };
  if ('refuse' in known)
    return { ok: false, skip: { rule: 'common/harden-final-stage', reason: known.refuse } };
  let uid = known.uid;
  let gid = known.gid;
  if (options.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(options.user);
    const named = known.names[options.user];
    if (m && Number(m[1]) !== 0) [uid, gid] = [Number(m[1]), Number(m[2] ?? m[1])];
    else if (named && named[0] !== 0) [uid, gid] = named;
    else
      return {
        ok: false,
        skip: {
          rule: 'common/nonroot-user',
          reason: `--user ${options.user} is root or unknown in ${image}`,
        },
      };
  }
  const w = new LineWriter(doc);
  const changes: Change[] = [];
  const warnings: Note[] = [];
  for (const ins of facts.stage.instructions) {
    if (keywordOf(ins) !== 'COPY' && keywordOf(ins) !== 'ADD') continue;
    const chown = (ins as Copy).getFlags().find((f) => f.getName() === 'chown');
    const value = chown?.getValue();
    if (!chown || !value || /^\d+(:\d+)?$/.test(value)) continue;
    const [name, group] = value.split(':');
    const mapped = known.names[name];
    const valueRange = chown.getValueRange();
    if (mapped && valueRange && (group === undefined || known.names[group])) {
      const [s, e] = rangeOffsets(doc, valueRange);
      const g = group === undefined ? mapped[1] : known.names[group][1];
      changes.push({
        note: {
          rule: 'common/numeric-chown',
          reason: `--chown=${value} becomes --chown=${mapped[0]}:${g}: names need /etc/passwd, which ${known.label} images may lack`,
        },
        edits: [{ start: s, end: e, text: `${mapped[0]}:${g}` }],
      });
    } else {
      warnings.push({
        rule: 'common/numeric-chown',
        reason: `--chown=${value} on line ${ins.getRange().start.line + 1} names a user ${image} may not have; make it numeric`,
      });
    }
  }
  const instructions = facts.stage.instructions;
  const startAt = instructions.find((i) => ['CMD', 'ENTRYPOINT'].includes(keywordOf(i)));
  const lastIns = instructions[instructions.length - 1] ?? facts.stage.from;
  const userLine = w.line('USER', `${uid}:${gid}`);
  if (facts.user && /^(root|0)/.test(facts.user.value)) {
    const [s, e] = rangeOffsets(doc, facts.user.ins.getArgumentsRange()!);
    changes.push({
      note: {
        rule: 'common/harden-final-stage',
        reason: `USER ${logicalArguments(doc, facts.user.ins)} becomes ${uid}:${gid}, the ${known.label} image's non-root user`,
      },
      edits: [{ start: s, end: e, text: `${uid}:${gid}` }],
    });
  } else if (startAt) {
    const at = doc.lineStarts[startAt.getRange().start.line];
    changes.push({
      note: {
        rule: 'common/harden-final-stage',
        reason: `USER ${uid}:${gid} before the start command: the final stage ran as root`,
      },
      edits: [{ start: at, end: at, text: userLine, join: 'line', order: LINE_ORDER.user }],
    });
  } else {
    const [, end] = rangeOffsets(doc, lastIns.getRange());
    changes.push({
      note: {
        rule: 'common/harden-final-stage',
        reason: `USER ${uid}:${gid} at the end of the final stage: it ran as root`,
      },
      edits: [insertLines(end, userLine, w, LINE_ORDER.user)],
    });
  }
  if (known.label === 'node' || known.label === 'distroless') {
    warnings.push({
      rule: 'common/harden-final-stage',
      reason: `files copied without --chown stay owned by root: the app can read them but not write there`,
    });
  }
  return {
    ok: true,
    plan: { finalImage: image, finalHasShell: known.hasShell, changes, warnings },
  };
}
