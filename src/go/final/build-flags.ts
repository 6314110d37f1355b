import {
  Change,
  extendInstruction,
  insertLines,
  LINE_ORDER,
  TextEdit,
} from '../../dockerfile/edit';
import { rangeOffsets } from '../../dockerfile/parse';
import type { SplitStage } from '../../common/split-stage';
import type { GoBuildStep, GoFacts, GoStart } from '../analyze';
import type { GoRuntimeProfile } from './profile';

/** CGO_ENABLED=0, -trimpath, -ldflags "-s -w" and -tags timetzdata on the build of the binary CMD runs. */
export function buildFlagEdits(
  facts: GoFacts,
  build: GoBuildStep,
  profile: GoRuntimeProfile,
  needsTzdata: boolean,
): Change[] {
  const { doc } = facts.stage;
  const [start, end] = rangeOffsets(doc, build.run.ins.getRange());
  const text = doc.source.slice(start, end);
  const sub = build.cmd.subcommand;
  const sameSub = facts.builds.filter(
    (b) =>
      b.run === build.run && b.cmd.subcommand === sub && b.cmd.viaWrapper === build.cmd.viaWrapper,
  );
  const verb = build.cmd.viaWrapper ? 'go-wrapper' : 'go';
  const matches = [...text.matchAll(new RegExp(`\\b${verb}\\s+${sub}\\b`, 'g'))];
  // The occurrence that names the package built (go get -d ./... && go get -v example.com/x),
  // else the one in the same position among the builds of that RUN.
  const pkg = build.cmd.packages[0];
  const naming = pkg
    ? matches.filter((m) => {
        const rest = text.slice(m.index! + m[0].length);
        const stop = rest.search(/&&|\|\||;|\|/);
        return (stop < 0 ? rest : rest.slice(0, stop)).split(/\s+/).includes(pkg);
      })
    : [];
  const match = naming.length === 1 ? naming[0] : matches[sameSub.indexOf(build)];
  if (!match) return [];
  const goAt = start + match.index!;
  const afterSub = goAt + match[0].length;
  const segmentEnd = (() => {
    const rest = text.slice(match.index! + match[0].length);
    const stop = rest.search(/&&|\|\||;|\|/);
    return stop < 0 ? end : afterSub + stop;
  })();
  const segment = doc.source.slice(afterSub, segmentEnd);
  const changes: Change[] = [];
  const envSet = 'CGO_ENABLED' in build.cmd.env || 'CGO_ENABLED' in facts.stage.envValues;
  if (!profile.cgo && !envSet) {
    changes.push({
      note: {
        rule: 'go/static-binary',
        reason: `CGO_ENABLED=0: the code needs no cgo, so the binary is static and needs no libc${facts.base.cgoDefault ? ` (${facts.base.tag} has gcc, so cgo would be on)` : ''}`,
      },
      edits: [extendInstruction(goAt, 'CGO_ENABLED=0 ')],
    });
  }
  const added: string[] = [];
  const edits: TextEdit[] = [];
  if (!build.cmd.trimpath && hasTrimpath(facts)) added.push('-trimpath');
  const ld = /-ldflags(=|\s+)(["'])([^"']*)\2/.exec(segment);
  if (build.cmd.ldflags === null) added.push('-ldflags="-s -w"');
  else if (ld && !/(^|\s)-[sw](\s|$)/.test(ld[3])) {
    const at = afterSub + ld.index + ld[0].length - 1 - ld[3].length;
    edits.push(extendInstruction(at, '-s -w '));
  }
  if (needsTzdata && !build.cmd.tags.includes('timetzdata')) {
    const tags = /-tags(=|\s+)(?:(["'])([^"']*)\2|(\S+))/.exec(segment);
    if (tags) {
      const valueEnd = afterSub + tags.index + tags[0].length - (tags[2] ? 1 : 0);
      edits.push(
        extendInstruction(
          valueEnd,
          (tags[3] ?? tags[4] ?? '').includes(' ') ? ' timetzdata' : ',timetzdata',
        ),
      );
    } else added.push('-tags', 'timetzdata');
    changes.push({
      note: {
        rule: 'go/timezone-data',
        reason: `the code loads time zones and ${profile.finalImage} has no zoneinfo: -tags timetzdata embeds Go's copy (about 450 KB)`,
      },
      edits: [],
    });
  }
  if (added.length > 0) edits.push(extendInstruction(afterSub, ' ' + added.join(' ')));
  if (edits.length > 0) {
    const what = [
      ...added.filter((a) => a.startsWith('-') && a !== '-tags'),
      ...(ld && edits.some((e) => e.text === '-s -w ') ? ['-s -w in the existing -ldflags'] : []),
    ];
    changes.push({
      note: {
        rule: 'go/build-flags',
        reason: `${what.join(', ') || 'flags'}: a smaller, reproducible binary; flags already set are kept`,
      },
      edits,
    });
  }
  return changes;
}

/**
 * -trimpath came with Go 1.13; older toolchains stop at it. A floating tag has the Go it points
 * to today (latest: the newest, 1-stretch: 1.18); a distribution's Go or an unknown version is not
 * assumed to be new enough.
 */
export function hasTrimpath(facts: GoFacts): boolean {
  // packr finds its files through the source paths compiled in, which -trimpath removes.
  if (facts.sources.sourcePathLibraries.length > 0) return false;
  return facts.base.minor !== null && facts.base.minor >= 13;
}

/** `go run` at start becomes a build of the binary in the builder, with the flags a build gets. */
export function goRunBuild(
  facts: GoFacts,
  start: GoStart,
  profile: GoRuntimeProfile,
  split: SplitStage,
  needsTzdata: boolean,
): Change {
  const run = start.fromGoRun!;
  const w = split.writer;
  const flags = [
    ...(profile.cgo ? [] : ['CGO_ENABLED=0']),
    'go',
    'build',
    ...(hasTrimpath(facts) ? ['-trimpath'] : []),
    '-ldflags="-s -w"',
  ];
  if (needsTzdata) flags.push('-tags', 'timetzdata');
  const line = [...flags, '-o', start.binary, ...run.packages].join(' ');
  const end = split.builderEnd;
  return {
    note: {
      rule: 'go/build-go-run',
      reason: `go run ${run.packages.join(' ')} at start becomes a build of ${start.binary} in the builder`,
    },
    edits: [insertLines(end, w.line('RUN', line), w, LINE_ORDER.build)],
  };
}
