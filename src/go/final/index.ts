import posix from 'path/posix';
import { isWithin } from '../../build-context/path-pattern';
import type { GoFacts, GoStart } from '../analyze';
import { Change, insertLines, LINE_ORDER } from '../../dockerfile/edit';
import { BaseImageContract, BUILDERS } from '../../templates';
import type { GoRuntimeProfile } from './profile';
import type { Note, TransformOptions } from '../../types';
import { completePlan, defaultsOf, PlanResult } from '../../common/plan';
import { embeddedPaths, goRuntimePaths } from '../runtime-paths';
import {
  assembleCommand,
  describeFolder,
  planRuntimeFolders,
  runtimeFolderBlocker,
  STAGING,
} from '../runtime-folder';
import { lowPorts, lowPortWarning } from '../../common/ports';
import { chownWarning, rootNeeds, rootNeedSkip } from '../../common/privileges';
import { isSkip, resolveRuntimeUser } from '../../common/runtime-user';
import { carriedRuntimeLines, splitStage, startComments } from '../../common/split-stage';
import { buildFlagEdits, goRunBuild } from './build-flags';
import { refusal } from './checks';
import { binaryHealthcheck } from './healthcheck';
import { OWNED_WORKDIR, planWritable } from './writable';

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
  const refused = refusal(facts, profile);
  if (refused) return refused;
  const start = facts.start as GoStart;
  const workdir = stage.workdir ?? facts.defaultWorkdir;
  const build = facts.builds.find((b) => b.binary === start.binary) ?? start.producedBy;
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
    changes.push(goRunBuild(facts, start, profile, split, gap.tzdata));
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
  if (facts.unpinnedGets.length > 0)
    warnings.push({
      rule: 'go/unpinned-get',
      reason: `go get outside a module (no go.mod) fetches ${facts.unpinnedGets.slice(0, 4).join(', ')}${facts.unpinnedGets.length > 4 ? ` and ${facts.unpinnedGets.length - 4} more` : ''} at whatever their default branch holds the day the image is built, which may need a newer Go than ${facts.base.tag || 'the image'}'s: a go.mod (go mod init && go mod tidy, then COPY go.mod go.sum) pins them`,
    });
  const ports = lowPorts(
    stage,
    facts.sources.packages.flatMap((p) =>
      p.listenPorts.map((n): [number, string] => [
        n,
        `":${n}" in ${p.dir === '.' ? 'package ' + p.name : p.dir}`,
      ]),
    ),
  );
  const root = rootNeedSkip(rootNeeds(facts.context, {}, ports), user.uid);
  if (root) return { ok: false, skip: root };
  const low = lowPortWarning(ports, user.uid);
  if (low) warnings.push(low);
  const chownCall = chownWarning(facts.context, user.uid);
  if (chownCall) warnings.push(chownCall);
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
          ownWhole: !options.minimal,
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
      f.detectedWrites.map((r) => (r === '.' ? f.path : posix.join(f.path, r))),
    );
    const writes =
      written.length > 0
        ? `${written.join(', ')} (${written.map((d) => runtime.writeWhy[d]).join('; ')})`
        : '';
    const owned = options.minimal
      ? `read-only${written.length > 0 ? ` except ${writes}, owned by ${user.uid}:${user.gid}` : ''}`
      : `owned by ${user.uid}:${user.gid}, as the original's root could write anywhere in ${folders.folders.length > 1 ? 'them' : 'it'} (detection found ${written.length > 0 ? `writes to ${writes}` : 'no write there, but writes through computed paths are not always seen'}; --minimal makes ${folders.folders.length > 1 ? 'them' : 'it'} read-only except the detected writes)`;
    changes.push({
      note: {
        rule: 'go/runtime-folder',
        reason: `${folders.folders.map((f) => describeFolder(f.report)).join('; ')}. Assembled in the builder after the build and copied to the same path${folders.folders.length > 1 ? 's' : ''}, ${owned}${runtime.reads.length > 0 ? `; detection found ${runtime.reads.map((r) => `${r.imagePath} (${r.why})`).join(', ')}` : ''}; --minimal keeps only what detection finds`,
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
    const hc = binaryHealthcheck(facts, start.binary, workdir, split);
    if ('line' in hc) lines.push(hc.line);
    else
      warnings.push({
        rule: 'go/healthcheck',
        reason: `HEALTHCHECK dropped: ${hc.reason}, and ${profile.finalImage} has no shell, curl or wget`,
      });
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
