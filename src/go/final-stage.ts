import posix from 'path/posix';
import { isWithin } from '../build-context/path-pattern';
import { GoBuildStep, GoFacts, GoStart } from './analyze';
import { startLine } from '../dockerfile/command';
import { Healthcheck } from 'dockerfile-ast';
import {
  Change,
  execArray,
  extendInstruction,
  insertLines,
  LINE_ORDER,
  TextEdit,
} from '../dockerfile/edit';
import { execFormOf, rangeOffsets } from '../dockerfile/parse';
import { BaseImageContract, BUILDERS } from '../templates';
import type { Note, TransformOptions } from '../types';
import { completePlan, defaultsOf, PlanResult } from '../common/plan';
import { embeddedPaths, goRuntimePaths, GoRuntimePaths } from './runtime-paths';
import {
  assembleCommand,
  describeFolder,
  planRuntimeFolders,
  runtimeFolderBlocker,
  STAGING,
} from './runtime-folder';
import { FLOATING_GO_TAG, parseGoVersion } from './buildability';
import { lowPorts, lowPortWarning } from '../common/ports';
import { isSkip, resolveRuntimeUser } from '../common/runtime-user';
import { carriedRuntimeLines, splitStage, startComments } from '../common/split-stage';

export interface GoRuntimeProfile {
  target: 'distroless' | 'scratch' | 'cgr';
  template: BaseImageContract;
  finalImage: string;
  why: string;
  /** The binary links libc dynamically (cgo) and the image provides it. */
  cgo: boolean;
  warnings: Note[];
}

/** Scratch-style gaps the rewrite must fill: what the final image lacks that the app uses. */
function gaps(facts: GoFacts, t: BaseImageContract) {
  const s = facts.sources;
  return {
    caBundle: t.hasCaCerts === false,
    tzdata: t.hasTzdata === false && s.usesTimeZones && !s.importsTzdata,
    tmp: t.hasTmp === false && s.usesTempDir,
  };
}

export function planGoRewrite(
  facts: GoFacts,
  options: TransformOptions,
  profile: GoRuntimeProfile,
): PlanResult {
  const { stage } = facts;
  const { doc } = stage;
  const t = profile.template;
  const fail = (rule: Note['rule'], reason: string, suggestion?: string): PlanResult => ({
    ok: false,
    skip: { rule, reason, suggestion },
  });
  if (facts.base.isOnbuild)
    return fail(
      'go/onbuild-image',
      `${facts.base.tag} builds through ONBUILD triggers that this tool cannot see`,
      'use golang:<version> with explicit COPY and go build steps',
    );
  if ('skip' in facts.start)
    return {
      ok: false,
      skip: { rule: facts.start.rule, reason: facts.start.skip, line: startLine(stage) },
    };
  const start: GoStart = facts.start;
  const workdir = stage.workdir ?? facts.defaultWorkdir;
  const build = facts.builds.find((b) => b.binary === start.binary) ?? start.producedBy;
  if (
    !build &&
    !start.fromGoRun &&
    !profile.cgo &&
    facts.base.cgoDefault &&
    !facts.cgoExplicitlyOff
  )
    return fail(
      'go/static-binary',
      `no build step of ${start.binary} can be found to add CGO_ENABLED=0 to, and Go on ${facts.base.tag || 'this image'} has gcc, so the binary may link libc, which ${profile.finalImage} does not have`,
      'set ENV CGO_ENABLED=0 in the Dockerfile, or build the binary with an explicit go build -o',
    );
  if (build && stage.workdir !== null && build.binary === stage.workdir) {
    return fail(
      'go/binary-path',
      `go build -o ${build.cmd.output} writes into the WORKDIR folder ${stage.workdir}, so the binary lands at ${stage.workdir}/<name>, not ${build.binary} (an upstream bug)`,
      `build with -o ${stage.workdir}/<name> and CMD that path`,
    );
  }
  if (facts.sources.execDynamic.length > 0) {
    return fail(
      'go/exec-programs',
      `the app runs a program whose name is computed at run time (${facts.sources.execDynamic.slice(0, 2).join('; ')}), and ${profile.finalImage} has no programs besides the binary, so whatever it runs is missing`,
      'keep a full base image for this app, or a final image with the programs it runs',
    );
  }
  if (facts.sources.execPrograms.length > 0) {
    return fail(
      'go/exec-programs',
      `the app runs ${facts.sources.execPrograms.join(', ')} with exec.Command, and ${profile.finalImage} has no programs besides the binary`,
      'keep a full base image for this app',
    );
  }
  if (facts.runtimeOsPackages.length > 0) {
    return fail(
      'go/runtime-os-packages',
      `the image installs ${facts.runtimeOsPackages.join(', ')}, which the app may need at runtime and ${profile.finalImage} does not have`,
    );
  }
  const user = resolveRuntimeUser(
    stage,
    t,
    profile.finalImage,
    options.user,
    BUILDERS.golang.users,
  );
  if (isSkip(user)) return { ok: false, skip: user };
  const gap = gaps(facts, t);
  const split = splitStage(stage);
  const w = split.writer;
  const changes: Change[] = [...split.changes];
  if (facts.fromDistro)
    changes.push({
      note: {
        rule: 'go/distro-builder',
        reason: `Go comes from ${stage.baseImage!.raw}'s packages: that stage builds the binary, with its defaults (WORKDIR ${facts.defaultWorkdir}); -trimpath is left out, as its Go version is not known`,
      },
      edits: [],
    });
  const warnings: Note[] = [...profile.warnings, ...user.warnings];

  if (facts.sources.sourcePathLibraries.length > 0)
    changes.push({
      note: {
        rule: 'go/build-flags',
        reason: `-trimpath is left out: files are found through the source paths compiled into the binary (${facts.sources.sourcePathLibraries.join(', ')}), which -trimpath removes${facts.sources.readsOwnSource ? '; the Go source stays in the image, as the app opens it' : ''}`,
      },
      edits: [],
    });
  if (build) {
    changes.push(...buildFlagEdits(facts, build, profile, gap.tzdata));
  } else if (start.fromGoRun) {
    const run = start.fromGoRun;
    const flags = [
      ...(profile.cgo ? [] : ['CGO_ENABLED=0']),
      'go',
      'build',
      ...(hasTrimpath(facts) ? ['-trimpath'] : []),
      '-ldflags="-s -w"',
    ];
    if (gap.tzdata) flags.push('-tags', 'timetzdata');
    const line = [...flags, '-o', start.binary, ...run.packages].join(' ');
    const end = split.builderEnd;
    changes.push({
      note: {
        rule: 'go/build-go-run',
        reason: `go run ${run.packages.join(' ')} at start becomes a build of ${start.binary} in the builder`,
      },
      edits: [insertLines(end, w.line('RUN', line), w, LINE_ORDER.build)],
    });
  }
  const runtime = goRuntimePaths(
    stage,
    facts.sources,
    facts.mod,
    build,
    facts.contextPaths,
    workdir,
    {
      startArgs: [
        ...(start.entrypoint ?? []).slice(1),
        ...(start.cmd ?? []).slice(start.entrypoint ? 0 : 1),
      ],
      gitignore: facts.context.files['.gitignore'],
      modDir: facts.modDir,
    },
  );
  warnings.push(...runtime.warnings);
  const low = lowPortWarning(
    lowPorts(
      stage,
      facts.sources.packages.flatMap((p) =>
        p.listenPorts.map((n): [number, string] => [
          n,
          `":${n}" in ${p.dir === '.' ? 'package ' + p.name : p.dir}`,
        ]),
      ),
    ),
    user.uid,
  );
  if (low) warnings.push(low);
  const blocker = options.minimal ? null : runtimeFolderBlocker(facts);
  if (blocker)
    warnings.push({
      rule: 'go/runtime-folder',
      reason: `${blocker}: the final stage gets only the files detection found, as with --minimal`,
    });
  const folders =
    options.minimal || blocker
      ? null
      : planRuntimeFolders(facts, {
          workdir,
          binary: start.binary,
          writableDirs: runtime.writableDirs,
          embedded: embeddedPaths(facts.sources.packages),
          detected: runtime.reads.map((r) => r.imagePath),
          context: facts.context,
        });
  const inFolder = (p: string) => folders?.folders.some((f) => isWithin(p, f.path)) ?? false;
  // What detection found outside the folders (a file the context put among the OS's) is copied too.
  const separate = folders
    ? runtime.reads.filter((r) => !inFolder(r.imagePath) && !folders.files.includes(r.imagePath))
    : runtime.reads;
  // The folders carry what detection found; writes inside them are owned there, the rest as before.
  const owned = planWritable(
    folders
      ? {
          ...runtime,
          reads: separate,
          writableDirs: runtime.writableDirs.filter((d) => !inFolder(d)),
        }
      : runtime,
    workdir,
  );
  const builderDirs = [...owned.create, ...(owned.workdir ? [OWNED_WORKDIR] : [])];
  if (builderDirs.length > 0) {
    const end = split.rootStepsEnd;
    const what = [
      ...owned.create.map((d) => `${d} (${runtime.writeWhy[d]})`),
      ...(owned.workdir ? [`the WORKDIR ${workdir} itself (${runtime.writeWhy[workdir]})`] : []),
    ];
    changes.push({
      note: {
        rule: 'go/writable-paths',
        reason: `the app writes into ${what.join('; ')}: made in the builder and copied owned by ${user.uid}:${user.gid}, since the non-root user cannot create them in the final image; a host folder mounted there (docker run -v) must be writable by uid ${user.uid} too`,
      },
      edits: [
        insertLines(
          end,
          w.line('RUN', `mkdir -p ${builderDirs.join(' ')}`),
          w,
          LINE_ORDER.rootSteps,
        ),
      ],
    });
  }
  if (gap.tmp) {
    const end = split.rootStepsEnd;
    changes.push({
      note: {
        rule: 'go/scratch-tmp',
        reason: `the app uses a temp dir and ${profile.finalImage} has no /tmp: one (mode 1777) is made in the builder and copied`,
      },
      edits: [
        insertLines(
          end,
          w.line('RUN', 'mkdir -p /tmp-runtime && chmod 1777 /tmp-runtime'),
          w,
          LINE_ORDER.rootSteps,
        ),
      ],
    });
  }

  if (folders && folders.folders.length > 0) {
    const root = stage.user && !/^(root|0)(:(root|0))?$/.test(stage.user.value);
    const command = assembleCommand(folders, `${user.uid}:${user.gid}`, doc.escape, w.eol);
    const written = folders.folders.flatMap((f) =>
      f.writable.map((r) => (r === '.' ? f.path : posix.join(f.path, r))),
    );
    changes.push({
      note: {
        rule: 'go/runtime-folder',
        reason: `${folders.folders.map((f) => describeFolder(f.report)).join('; ')}. Assembled in the builder after the build and copied to the same path${folders.folders.length > 1 ? 's' : ''}, read-only${written.length > 0 ? ` except ${written.join(', ')}, owned by ${user.uid}:${user.gid} (${written.map((d) => runtime.writeWhy[d]).join('; ')})` : ''}${runtime.reads.length > 0 ? `; detection found ${runtime.reads.map((r) => `${r.imagePath} (${r.why})`).join(', ')}` : ''}; --minimal keeps only what detection finds`,
      },
      edits: [
        insertLines(
          split.builderEnd,
          (root ? w.line('USER', 'root') : '') + w.line('RUN', command),
          w,
          LINE_ORDER.runtimeFolder,
        ),
      ],
    });
  }
  if (folders) warnings.push(...folders.warnings);

  const carried = carriedRuntimeLines(stage, split);
  const chown = `--chown=${user.uid}:${user.gid}`;
  const lines: string[] = [];
  const platform =
    stage.platform !== null && !stage.platform.includes('BUILDPLATFORM')
      ? `--platform=${stage.platform} `
      : '';
  lines.push(w.line('FROM', platform + profile.finalImage));
  lines.push(carried.env);
  if (owned.workdir)
    lines.push(w.line('COPY', `--from=${split.builderName} ${chown} ${OWNED_WORKDIR} ${workdir}`));
  // Before WORKDIR. A COPY --from keeps the owners of what is inside the folder, but makes the
  // folder itself root's (measured on BuildKit and the legacy builder), unless --chown says
  // otherwise: a folder the app writes into directly is copied with --chown.
  for (const f of folders?.folders ?? [])
    lines.push(
      w.line(
        'COPY',
        `--from=${split.builderName} ${f.writable.includes('.') ? chown + ' ' : ''}${STAGING}${f.path} ${f.path}`,
      ),
    );
  lines.push(w.line('WORKDIR', workdir));
  lines.push(w.line('COPY', `--from=${split.builderName} ${start.binary} ${start.binary}`));
  if (gap.caBundle) {
    const ca = BUILDERS.golang.caBundlePath;
    lines.push(w.line('COPY', `--from=${split.builderName} ${ca} ${ca}`));
    changes.push({
      note: {
        rule: 'go/ca-certificates',
        reason: `${profile.finalImage} has no CA bundle: ${ca} is copied from the builder so TLS calls verify`,
      },
      edits: [],
    });
  }
  if (gap.tmp) lines.push(w.line('COPY', `--from=${split.builderName} ${chown} /tmp-runtime /tmp`));
  for (const r of separate) {
    const own = owned.chown.has(r.imagePath) ? chown + ' ' : '';
    lines.push(w.line('COPY', `--from=${split.builderName} ${own}${r.imagePath} ${r.imagePath}`));
  }
  for (const f of folders?.files ?? [])
    lines.push(w.line('COPY', `--from=${split.builderName} ${f} ${f}`));
  for (const d of owned.create)
    lines.push(w.line('COPY', `--from=${split.builderName} ${chown} ${d} ${d}`));
  if (separate.length > 0) {
    changes.push({
      note: {
        rule: 'go/runtime-files',
        reason: `the app opens files of the build context at run time: ${separate.map((r) => `${r.imagePath} (${r.why})`).join(', ')}; copied to the same paths${owned.chown.size > 0 ? ' (owned by the runtime user where it writes)' : ''}`,
      },
      edits: [],
    });
  }
  lines.push(w.line('USER', `${user.uid}:${user.gid}`));
  lines.push(carried.tail);
  if (stage.healthcheck) {
    const hc = stage.healthcheck as Healthcheck;
    // dockerfile-ast's argument range starts after the flags, at CMD.
    const words = execFormOf(doc, hc, 1);
    const program = words?.[0];
    const resolved = program && (program.includes('/') ? posix.resolve(workdir, program) : null);
    if (words && resolved === start.binary) {
      const opts = hc
        .getFlags()
        .map((f) => f.toString())
        .join(' ');
      lines.push(
        (split.comments.get(hc) ?? '') +
          w.line(
            'HEALTHCHECK',
            `${opts ? opts + ' ' : ''}CMD ${execArray([start.binary, ...words.slice(1)])}`,
          ),
      );
    } else {
      warnings.push({
        rule: 'go/healthcheck',
        reason: `HEALTHCHECK dropped: it does not run the app's own binary in exec form, and ${profile.finalImage} has no shell, curl or wget`,
      });
    }
  }
  lines.push(startComments(stage, split));
  if (start.entrypoint) lines.push(w.exec('ENTRYPOINT', start.entrypoint));
  if (start.cmd) lines.push(w.exec('CMD', start.cmd));
  changes.push({
    note: {
      rule: 'go/start-command',
      reason: `runs ${start.binary} in exec form${start.entrypoint ? ' (ENTRYPOINT)' : ''}, an absolute path as ${profile.finalImage} has no shell or PATH lookup to rely on`,
    },
    edits: [],
  });
  const others = facts.builds.filter((b) => b !== build && !b.binary.startsWith('?'));
  if (others.length > 0) {
    warnings.push({
      rule: 'go/start-command',
      reason: `other binaries built in the builder are not copied: ${others.map((b) => b.binary).join(', ')}`,
    });
  }
  return completePlan(
    stage,
    split,
    lines.join(''),
    { rule: `go/${profile.target}-final-stage` as Note['rule'], reason: profile.why },
    user.note,
    {
      target: profile.target,
      finalImage: profile.finalImage,
      finalHasShell: t.hasShell,
      finalDefaults: defaultsOf(t),
      changes,
      warnings,
      ...(folders && folders.folders.length > 0
        ? { runtimeFolders: folders.folders.map((f) => f.report) }
        : {}),
    },
  );
}

/** CGO_ENABLED=0, -trimpath, -ldflags "-s -w" and -tags timetzdata on the build of the binary CMD runs. */
function buildFlagEdits(
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

/** The empty folder the builder makes so the final WORKDIR can be created owned by the app's user. */
const OWNED_WORKDIR = '/runtime-workdir';

/**
 * How each folder the app writes gets into the final image owned by its user: a copied runtime
 * folder (or one holding a written path) is copied with --chown; a folder that does not exist is
 * made in the builder and copied; the WORKDIR itself is created by copying an empty, owned folder
 * onto it before WORKDIR (a COPY --chown onto an existing folder leaves the folder root-owned).
 */
function planWritable(
  runtime: GoRuntimePaths,
  workdir: string,
): { chown: Set<string>; create: string[]; workdir: boolean } {
  const chown = new Set<string>();
  const create: string[] = [];
  let ownWorkdir = false;
  for (const d of runtime.writableDirs) {
    if (d === workdir) {
      ownWorkdir = true;
      continue;
    }
    const covering = runtime.reads.find(
      (r) => r.imagePath === d || (r.kind === 'dir' && d.startsWith(r.imagePath + '/')),
    );
    if (covering) chown.add(covering.imagePath);
    else if (!create.some((c) => d.startsWith(c + '/'))) create.push(d);
    for (const r of runtime.reads) if (r.imagePath.startsWith(d + '/')) chown.add(r.imagePath);
  }
  return { chown, create, workdir: ownWorkdir };
}

/**
 * -trimpath came with Go 1.13; older toolchains stop at it. Floating tags (latest) are new enough;
 * a distribution's Go or an unknown version is not assumed to be.
 */
function hasTrimpath(facts: GoFacts): boolean {
  // packr finds its files through the source paths compiled in, which -trimpath removes.
  if (facts.sources.sourcePathLibraries.length > 0) return false;
  const v = parseGoVersion(facts.base.version);
  if (v) return v.minor >= 13;
  return facts.base.tag !== '' && FLOATING_GO_TAG.test(facts.base.tag);
}

/** Skip for a cgo binary built against musl (alpine) when the final image is glibc. */
export function muslCgoSkip(facts: GoFacts, image: string): PlanResult | null {
  if (facts.cgoReasons.length === 0 || facts.base.libc !== 'musl') return null;
  return {
    ok: false,
    skip: {
      rule: 'go/cgo-libc',
      reason: `the binary needs cgo (${facts.cgoReasons.join('; ')}) and is built against musl on ${facts.base.tag}; ${image} is glibc, so it cannot load`,
      suggestion: 'build on a Debian golang image (same libc as the final image)',
    },
  };
}
