import posix from 'path/posix';
import { startLine } from '../../dockerfile/command';
import { Change, execArray, insertLines, LINE_ORDER, LineWriter } from '../../dockerfile/edit';
import { commandCwds } from '../../dockerfile/stage';
import { execFormOf } from '../../dockerfile/parse';
import { BUILDERS } from '../../templates';
import type { Note, TransformOptions } from '../../types';
import { completePlan, defaultsOf, PlanResult } from '../../common/plan';
import { lowPorts, lowPortWarning } from '../../common/ports';
import { chownWarning, rootNeeds, rootNeedSkip } from '../../common/privileges';
import { isSkip, resolveRuntimeUser } from '../../common/runtime-user';
import { carriedRuntimeLines, splitStage, startComments } from '../../common/split-stage';
import type { NodeFacts } from '../analyze';
import { findAppPaths } from '../app-paths';
import { hostProvidedFiles } from '../buildability';
import { lockfileInstall, pruneDevDependencies } from '../builder';
import { dockerignoreNeed, envValue, nodeWritablePlan } from '../runtime-needs';
import { frameworkBuild, keepsPackageManager, runtimeRefusal, toolRefusal } from './checks';
import { replicatedOsPackages } from './os-packages';
import {
  globalCliInstall,
  installDir,
  packageManagerWords,
  planFinalManager,
  unpinnedGlobals,
} from './package-manager';
import type { NodeRuntimeProfile } from './profile';
import { nodeSecrets } from './secrets';
import { toolLines } from './tools';
import { keptInit, nodeHealthcheck } from './start';
import { writableChange } from './writable';

/** Where the builder gathers an app that lives in / itself. */
const ROOT_STAGING = '/dockerize-slim/root';

/** Copies every entry of / but the OS's own folders (and the staging folder) into the staging folder. */
function rootAssemblyCommand(exclude: string[], escape: string, eol: string): string {
  const names = [...exclude, 'dockerize-slim', '.dockerenv'].map((n) => `! -name ${n}`);
  const lines = [`mkdir -p ${ROOT_STAGING} && cd /`];
  let line = ' && find . -mindepth 1 -maxdepth 1';
  for (const n of names) {
    if (line.length + n.length > 96) {
      lines.push(line);
      line = '      ' + n;
    } else line += ' ' + n;
  }
  lines.push(line);
  lines.push(`      -exec cp -a {} ${ROOT_STAGING}/ \\;`);
  return lines.join(` ${escape}${eol}`);
}

/**
 * The original's split between ENTRYPOINT and CMD when its ENTRYPOINT ran node itself
 * (`ENTRYPOINT ["node", "cli.js"]`, CMD holding default arguments or nothing): `docker run image
 * --flag` passed --flag to the app, so the final stage keeps node and what followed it in
 * ENTRYPOINT and only the original CMD's words in CMD. Null when the start was resolved into
 * other words (npm start, a framework), which then run from CMD as a whole.
 */
function nodeEntrypoint(
  facts: NodeFacts,
  t: NodeRuntimeProfile['template'],
  profile: NodeRuntimeProfile,
  cmd: string[],
): { entrypoint: string[]; cmd: string[] } | null {
  const { stage } = facts;
  if (!facts.start.ok || !stage.entrypoint) return null;
  const entry = execFormOf(stage.doc, stage.entrypoint);
  const original = stage.cmd ? execFormOf(stage.doc, stage.cmd) : [];
  if (entry === null || original === null || entry.length === 0) return null;
  if (!/^(.*\/)?(node|nodejs)$/.test(entry[0])) return null;
  const nodeArgs = facts.start.nodeArgs;
  const words = [...entry.slice(1), ...original];
  if (words.length !== nodeArgs.length || words.some((x, i) => x !== nodeArgs[i])) return null;
  const program = profile.target === 'slim' ? entry[0] : (t.nodePath as string);
  // The words the rewrite runs, as CMD would have run them, split at the same place.
  const run = profile.target === 'slim' ? cmd.slice(1) : cmd;
  if (run.length !== nodeArgs.length || run.some((x, i) => x !== nodeArgs[i])) return null;
  return { entrypoint: [program, ...entry.slice(1)], cmd: original };
}

export function planNodeRewrite(
  facts: NodeFacts,
  options: TransformOptions,
  profile: NodeRuntimeProfile,
): PlanResult {
  const { stage } = facts;
  const { doc } = stage;
  const t = profile.template;
  if (!facts.start.ok) {
    return {
      ok: false,
      skip: {
        rule: facts.start.rule,
        reason: facts.start.reason,
        suggestion: facts.start.suggestion,
        line: startLine(stage),
      },
    };
  }
  const start = facts.start;
  const app = findAppPaths(stage, facts.contextPaths, {
    dockerignore: facts.dockerignore,
    hasBuildStep: facts.hasBuildStep,
    // npm install express (a package, without package.json) also makes node_modules there.
    installCwds: facts.runs.flatMap(({ run }) =>
      run.commands.flatMap((cmd, i) =>
        /^\s*(npm|yarn|pnpm)\s+(install|i|ci|add)\b/.test(cmd) ? [commandCwds(run)[i]] : [],
      ),
    ),
  });
  if ('rule' in app) return { ok: false, skip: app };
  const user = resolveRuntimeUser(stage, t, profile.finalImage, options.user, BUILDERS.node.users);
  if (isSkip(user)) return { ok: false, skip: user };
  const refused = runtimeRefusal(facts, profile) ?? toolRefusal(facts);
  if (refused) return refused;
  const npmEnv = facts.npmEnv;
  const keepPackageManager = keepsPackageManager(facts);
  const production = start.production ?? null;
  const framework = frameworkBuild(facts, production, stage);
  if ('skip' in framework) return { ok: false, skip: framework.skip };
  const { buildsAtStart, addBuild } = framework;
  const upgrade =
    facts.upgrade && facts.upgrade.image !== stage.stage.from.getArguments()[0].getValue();
  const split = splitStage(stage, {
    swap: profile.builderImage
      ? {
          image: profile.builderImage,
          note: {
            rule: 'node/cgr-builder',
            reason: `build stage uses ${profile.builderImage} so native modules match the runtime's Node; USER root as the original builder ran`,
          },
          after: new LineWriter(doc).line('USER', 'root'),
        }
      : upgrade
        ? {
            image: facts.upgrade!.image,
            note: {
              rule: 'node/upgrade-node',
              reason: `--node ${facts.base.major}: the build stage moves from ${stage.stage.from.getArguments()[0].getValue()} to ${facts.upgrade!.image}, and the final stage runs Node ${facts.base.major} too`,
            },
          }
        : undefined,
  });
  const w = split.writer;
  const warnings: Note[] = [...profile.warnings, ...user.warnings];
  if (upgrade)
    warnings.push({
      rule: 'node/upgrade-node',
      reason: `the app moves from ${facts.upgrade!.from === null ? 'the Node of its digest-pinned image' : `Node ${facts.upgrade!.from}`} to Node ${facts.base.major} (--node): test it, and rebuild native modules, on the new major`,
    });
  if (start.devServer) {
    warnings.push({
      rule: 'node/dev-server-start',
      reason: `--dev-to-production: ${start.devServer} (restarts on file changes) is replaced by plain node; check the app starts without it`,
    });
  }
  for (const p of facts.sources.programs.filter((p) => p.name === null && !p.shell))
    warnings.push({
      rule: 'node/runtime-programs',
      reason: `${p.where} starts a program whose name is computed at run time; make sure ${profile.finalImage} has it`,
    });
  const ports = lowPorts(stage, [
    ...facts.sources.listenPorts,
    ...(stage.envValues.PORT === undefined ? facts.sources.fallbackPorts : []),
  ]);
  const root = rootNeedSkip(
    rootNeeds(facts.context, facts.packageJson?.dependencies ?? {}, ports),
    user.uid,
  );
  if (root) return { ok: false, skip: root };
  const low = lowPortWarning(ports, user.uid);
  if (low) warnings.push(low);
  const chownCall = chownWarning(facts.context, user.uid);
  if (chownCall) warnings.push(chownCall);
  const changes: Change[] = [...split.changes];
  if (addBuild)
    changes.push({
      note: {
        rule: 'node/build-at-start',
        reason: `${production!.framework}'s start built the app at every start; the builder now runs ${addBuild} (${buildsAtStart}) once, and the image starts node on ${production!.builtOutput}`,
      },
      edits: [insertLines(split.builderEnd, w.line('RUN', addBuild), w, LINE_ORDER.build)],
    });
  const writable = nodeWritablePlan(facts, app);
  const writableNote = writableChange(app, writable, production, user, split);
  if (writableNote) changes.push(writableNote);
  if (app.rootAssembly) {
    const builderRoot = stage.user && !/^(root|0)(:(root|0))?$/.test(stage.user.value);
    changes.push({
      note: {
        rule: 'common/app-directory',
        reason: `the app was copied into / (no WORKDIR): everything at / but the OS's own folders (${app.rootAssembly.exclude.join(', ')}) is gathered in the builder after the build (now ${app.rootEntries!.join(', ')}) and copied to the same paths, so files made on the host before docker build (a gitignored .env) travel too`,
      },
      edits: [
        insertLines(
          split.builderEnd,
          (builderRoot ? w.line('USER', 'root') : '') +
            w.line('RUN', rootAssemblyCommand(app.rootAssembly.exclude, doc.escape, w.eol)),
          w,
          LINE_ORDER.runtimeFolder,
        ),
      ],
    });
  } else if (app.rootEntries)
    changes.push({
      note: {
        rule: 'common/app-directory',
        reason: `the app was copied into / (no WORKDIR): its ${app.rootEntries.length} top-level files and folders (${app.rootEntries.join(', ')}) are copied to the same paths, apart from the OS`,
      },
      edits: [],
    });
  warnings.push(...hostProvidedFiles(facts));
  const globals = unpinnedGlobals(facts);
  if (globals) warnings.push(globals);
  const secrets = nodeSecrets(facts, app.appDir);
  if (secrets) warnings.push(secrets);
  const ignore = dockerignoreNeed(facts);
  if (ignore.note) changes.push({ note: ignore.note, edits: [] });
  if (ignore.warning) warnings.push(ignore.warning);
  const install = lockfileInstall(facts);
  changes.push(...install.changes);
  warnings.push(...install.warnings);
  if (production)
    changes.push({ note: { rule: production.rule, reason: production.reason }, edits: [] });
  // A framework that copies its own bundle (Next standalone, Nuxt .output) needs no pruned node_modules.
  if (!production?.copy) {
    const prune = pruneDevDependencies(
      facts,
      w,
      [
        ...(production?.needsPackages ?? []),
        ...(start.keptScript ? [start.keptScript.package] : []),
      ],
      start.keptScript?.tool,
    );
    changes.push(...prune.changes);
    warnings.push(...prune.warnings);
  }

  const carried = carriedRuntimeLines(stage, split);
  const chown = `--chown=${user.uid}:${user.gid}`;
  // The original's root could write anywhere in the app folder, so by default the user owns it;
  // --minimal copies it root-owned, except the folders detection found written.
  const hardened = options.minimal === true && !writable.appRootWritable;
  const appChown = hardened ? '' : `${chown} `;
  const lines: string[] = [];
  const platform =
    stage.platform !== null && !stage.platform.includes('BUILDPLATFORM')
      ? `--platform=${stage.platform} `
      : '';
  lines.push(w.line('FROM', platform + profile.finalImage));
  if (stage.baseImage?.digest) {
    warnings.push({
      rule: 'common/pin-final-image',
      reason: `the builder is pinned by digest; the final image ${profile.finalImage} is pinned by tag only: add its digest to pin it too`,
    });
  }
  lines.push(carried.env);
  if (npmEnv && !keepPackageManager && Object.keys(npmEnv.values).length > 0) {
    const names = Object.keys(npmEnv.values);
    lines.push(
      w.line('ENV', names.map((n) => `${n}=${envValue(npmEnv.values[n], doc.escape)}`).join(' ')),
    );
    changes.push({
      note: {
        rule: 'node/npm-environment',
        reason: `the app reads ${names.map((n) => `${n} (${facts.sources.npmEnvWhere[n]})`).join(', ')}, which ${start.packageScript!.manager} ${start.packageScript!.name} set: kept as ENV with the values from package.json`,
      },
      edits: [],
    });
  }
  const appCopy = w.line(
    'COPY',
    `--from=${split.builderName} ${appChown}${app.appDir} ${app.appDir}`,
  );
  if (production && Object.keys(production.env).length > 0) {
    lines.push(
      w.line(
        'ENV',
        Object.entries(production.env)
          .map(([k, v]) => `${k}=${envValue(v, doc.escape)}`)
          .join(' '),
      ),
    );
  }
  if (start.env) {
    lines.push(
      w.line(
        'ENV',
        Object.entries(start.env)
          .map(([k, v]) => `${k}=${envValue(v, doc.escape)}`)
          .join(' '),
      ),
    );
    changes.push({
      note: {
        rule: 'node/start-env',
        reason: `the start line set ${Object.keys(start.env).join(', ')} for node: kept as ENV, since exec form has no shell to set it`,
      },
      edits: [],
    });
  }
  // COPY --chown onto an existing folder leaves the folder itself root-owned; a COPY that
  // creates it makes it the user's, so it comes before WORKDIR when the app writes there.
  const copies = app.rootAssembly
    ? [w.line('COPY', `--from=${split.builderName} ${appChown}${ROOT_STAGING}/ /`)]
    : app.rootEntries
      ? app.rootEntries.map((e) =>
          w.line('COPY', `--from=${split.builderName} ${appChown}/${e} /${e}`),
        )
      : production?.copy
        ? production.copy.map((c) =>
            w.line(
              'COPY',
              `--from=${split.builderName} ${appChown}${posix.join(app.appDir, c.from)} ${posix.join(app.appDir, c.to)}`,
            ),
          )
        : [appCopy];
  // Always before WORKDIR: a COPY --chown makes the folder it creates the user's, while WORKDIR
  // would make it root's, and the app (or a library such as newrelic, logging into the folder
  // it runs in) could not add a file to it. Installs in the final stage come first (kept cache).
  const appLines = [...copies];
  if (hardened) {
    for (const d of writable.inside)
      appLines.push(w.line('COPY', `--from=${split.builderName} ${chown} ${d} ${d}`));
    changes.push({
      note: {
        rule: 'node/writable-paths',
        reason: `--minimal: ${app.appDir} is copied owned by root, read-only for ${user.uid}${writable.inside.length > 0 ? `, except ${writable.inside.join(', ')}, which the app writes (${writable.found.join('; ')}) and which ${user.uid}:${user.gid} owns` : '; detection found no folder it writes'}`,
      },
      edits: [],
    });
  }
  const runDir = start.cwd !== undefined ? posix.resolve(app.workdir, start.cwd) : app.workdir;
  appLines.push(w.line('WORKDIR', runDir));
  if (runDir !== app.workdir)
    changes.push({
      note: {
        rule: 'node/start-cwd',
        reason: `the start line ran cd ${start.cwd} first: WORKDIR ${runDir} in the final stage, and node starts there in exec form`,
      },
      edits: [],
    });
  if (profile.replicateOsPackageRuns) {
    const os = replicatedOsPackages(facts, w, split.builderName);
    lines.push(...os.lines);
    changes.push(...os.changes);
  }
  const globalCli = start.globalCli ?? null;
  if (globalCli) {
    const installed = globalCliInstall(facts, globalCli, profile, user.uid, split);
    if ('skip' in installed) return { ok: false, skip: installed.skip };
    lines.push(installed.line);
    changes.push(installed.change);
    warnings.push(...installed.warnings);
  }
  // The package manager the kept start runs must be in the final image (F24).
  const keptWords = keepPackageManager ? packageManagerWords(stage) : null;
  const finalManager = keptWords
    ? planFinalManager(facts, keptWords, installDir(facts, app.appDir), split.builderName)
    : null;
  if (finalManager?.install) lines.push(w.line('RUN', finalManager.install));
  lines.push(...appLines);
  if (finalManager) {
    changes.push({ note: finalManager.note, edits: [] });
    if (finalManager.warning) warnings.push(finalManager.warning);
  }
  for (const p of [...app.extra, ...writable.outside])
    lines.push(w.line('COPY', `--from=${split.builderName} ${chown} ${p} ${p}`));
  const tools = toolLines(facts, split, profile);
  lines.push(...tools.lines);
  changes.push(...tools.changes);

  const init = start.init ? keptInit(facts, start.init, profile, split) : null;
  const entrypoint = init?.entrypoint ?? null;
  if (init?.line) lines.push(init.line);
  if (init?.change) changes.push(init.change);
  if (init?.warning) warnings.push(init.warning);
  lines.push(w.line('USER', `${user.uid}:${user.gid}`));
  lines.push(carried.tail);
  if (stage.healthcheck) {
    const hc = nodeHealthcheck(facts, t, split, profile.finalImage);
    if (hc.line) lines.push(hc.line);
    if (hc.change) changes.push(hc.change);
    if (hc.warning) warnings.push(hc.warning);
  }
  const original = finalManager?.command ? null : keptWords;
  const cmd =
    finalManager?.command ?? original ?? globalCli?.command ?? profile.cmdFor(start.nodeArgs);
  if (original) {
    const rule = start.keptScript ? 'node/keep-package-script' : 'node/npm-environment';
    changes.push({
      note: {
        rule,
        reason: start.keptScript
          ? `the start runs ${start.keptScript.tool} (from ${start.keptScript.package}) through a package script: the slim image keeps ${original.join(' ')} as the start command, and ${start.keptScript.package} stays installed`
          : `the app reads ${npmEnv!.unknown.join(', ')}, which only ${start.packageScript!.manager} sets: the slim image keeps ${original.join(' ')} as the start command`,
      },
      edits: [],
    });
    warnings.push({
      rule,
      reason: `${original[0]} stays PID 1, as in the original: it passes SIGTERM on to node, but an init (--init or tini) is still advisable`,
    });
  }
  lines.push(startComments(stage, split));
  const kept =
    entrypoint || original || finalManager || globalCli
      ? null
      : nodeEntrypoint(facts, t, profile, cmd);
  if (kept) {
    lines.push(w.exec('ENTRYPOINT', kept.entrypoint));
    if (kept.cmd.length > 0) lines.push(w.exec('CMD', kept.cmd));
  } else {
    if (entrypoint) lines.push(w.exec('ENTRYPOINT', entrypoint));
    lines.push(w.exec('CMD', cmd));
  }

  const startNote: Note = original
    ? {
        rule: 'node/resolve-start-command',
        reason: `kept as ${original.join(' ')}; it resolves to ${start.trail.join(' -> ')}`,
      }
    : {
        rule: 'node/resolve-start-command',
        reason: kept
          ? `${start.trail.join(' -> ')}; ENTRYPOINT ${execArray(kept.entrypoint)}${kept.cmd.length > 0 ? ` CMD ${execArray(kept.cmd)}` : ''}, split as the original's ENTRYPOINT and CMD were, so arguments to docker run still reach the app`
          : `${start.trail.join(' -> ')}; CMD ${execArray(cmd)}${t.entrypoint && profile.target !== 'slim' && !entrypoint ? ` (ENTRYPOINT is ${t.entrypoint.join(' ')})` : ''}`,
      };
  changes.push({ note: startNote, edits: [] });
  return completePlan(
    stage,
    split,
    lines.join(''),
    { rule: `node/${profile.target}-final-stage` as Note['rule'], reason: profile.why },
    user.note,
    {
      target: profile.target,
      finalImage: profile.finalImage,
      finalHasShell: t.hasShell,
      finalDefaults: defaultsOf(t),
      changes,
      warnings,
      ...(ignore.file ? { newFiles: [ignore.file] } : {}),
    },
  );
}
