import { NodeFacts } from './analyze';
import { startLine } from '../dockerfile/command';
import {
  Change,
  execArray,
  insertLines,
  instructionText,
  LINE_ORDER,
  LineWriter,
} from '../dockerfile/edit';
import { BaseImageContract, BUILDERS, NODE_FACTS } from '../templates';
import type { Note, TransformOptions } from '../types';
import { completePlan, defaultsOf, PlanResult } from '../common/plan';
import { findAppPaths } from './app-paths';
import { planHealthcheck } from '../common/healthcheck';
import { lockfileInstall, pruneDevDependencies } from './builder';
import { isSkip, resolveRuntimeUser } from '../common/runtime-user';
import { carriedRuntimeLines, splitStage, startComments } from '../common/split-stage';
import { programBlocker } from './programs';
import { lowPorts, lowPortWarning } from '../common/ports';
import { dockerignoreNeed, envValue, nodeWritablePlan, productionDirs } from './runtime-needs';
import { contextHas, imagePathOf } from '../dockerfile/copies';
import { parseDockerIgnore } from '../build-context/dockerignore';
import { hostProvidedPatterns, secretsWarning } from '../build-context/host-files';
import posix from 'path/posix';
import { isWithin } from '../build-context/path-pattern';
import { effectiveCommand } from '../dockerfile/command';
import { splitShellWords } from '../dockerfile/shell-words';
import { commandCwds, StageFacts } from '../dockerfile/stage';
import { runtimePackageInstall } from '../common/os-packages';
import { currentNodeMajor, imageHasPackageManager } from './image';
import { hostProvidedFiles, packageManagerVersion } from './buildability';

export interface NodeRuntimeProfile {
  target: 'distroless' | 'cgr' | 'slim';
  template: BaseImageContract;
  finalImage: string;
  /** Why this image: shown as the final stage's reason. */
  why: string;
  /** CMD words given node's arguments (distroless/cgr: ENTRYPOINT is node already). */
  cmdFor(nodeArgs: string[]): string[];
  /** Replace the builder's base image (cgr: latest-dev) and run it as root like the original. */
  builderImage?: string;
  /** Re-run the OS package installs in the final stage (slim keeps a shell and a package manager). */
  replicateOsPackageRuns: boolean;
  warnings: Note[];
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
  const support =
    profile.target === 'slim' ? 'slim' : profile.target === 'cgr' ? 'busybox' : 'none';
  const blocked = programBlocker(facts.programs, support, facts.base);
  if (blocked) {
    return {
      ok: false,
      skip: {
        rule: 'node/runtime-programs',
        reason: `${blocked}, and ${profile.finalImage} does not have it`,
        suggestion:
          'install the program in the Dockerfile (apt-get install ...), so the rewrite can keep it on a slim image',
      },
    };
  }
  const npmEnv = facts.npmEnv;
  const keepPackageManager =
    (npmEnv !== null && npmEnv.unknown.length > 0) || start.keptScript !== undefined;
  if (keepPackageManager && profile.target !== 'slim') {
    return {
      ok: false,
      skip: {
        rule: start.keptScript ? 'node/keep-package-script' : 'node/npm-environment',
        reason: start.keptScript
          ? `the start runs ${start.keptScript.tool} from ${start.keptScript.package} through a package script, and ${profile.finalImage} has no npm to run it`
          : `the app reads ${npmEnv!.unknown.join(', ')}, which only ${start.packageScript!.manager} sets and whose value depends on the machine`,
        suggestion: '--target slim keeps the package manager as the start command',
      },
    };
  }
  const production = start.production ?? null;
  if (production?.copy && start.cwd !== undefined) {
    return {
      ok: false,
      skip: {
        rule: production.rule,
        reason: `${production.framework} runs in the subfolder ${start.cwd}, and its bundled output keeps that relative path; this shape is not handled yet`,
        suggestion: 'start the bundle with node from its own folder in the original Dockerfile',
      },
    };
  }
  const missingOutput =
    production?.builtOutput &&
    !facts.hasBuildStep &&
    contextHas(facts.contextPaths, production.builtOutput) === null;
  // The start built the app itself: the builder runs that build once, through the package's own
  // build script when it is that build (its CLI is a dependency the install brought).
  const buildsAtStart = missingOutput ? production!.buildsAtStart : undefined;
  const buildScript = facts.packageJson?.scripts?.build?.trim();
  const addBuild =
    buildsAtStart && (buildScript === buildsAtStart || buildScript?.startsWith(buildsAtStart + ' '))
      ? `${facts.pm.manager ?? 'npm'} run build`
      : null;
  if (buildsAtStart && !addBuild) {
    return {
      ok: false,
      skip: {
        rule: 'node/build-at-start',
        class: 'unsupported',
        reason: `${production!.framework}'s start runs ${buildsAtStart} at every start, the Dockerfile never builds, and package.json has no build script that is ${buildsAtStart}`,
        suggestion: `build in the Dockerfile after the install: RUN npx ${buildsAtStart}`,
        line: startLine(stage),
      },
    };
  }
  if (missingOutput && !addBuild) {
    return {
      ok: false,
      skip: {
        rule: 'node/build-output-missing',
        reason: `${production.framework} starts from ${production.builtOutput}, which the Dockerfile never builds and the repository does not have, so the original fails at start too`,
        suggestion: `build before the start: RUN ${facts.pm.manager ?? 'npm'} run build`,
        line: startLine(stage),
      },
    };
  }
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
              reason: `--node ${facts.base.major}: the build stage moves from node:${facts.upgrade!.from} to ${facts.upgrade!.image}, and the final stage runs Node ${facts.base.major} too`,
            },
          }
        : undefined,
  });
  const w = split.writer;
  const warnings: Note[] = [...profile.warnings, ...user.warnings];
  if (upgrade)
    warnings.push({
      rule: 'node/upgrade-node',
      reason: `the app moves from Node ${facts.upgrade!.from} to Node ${facts.base.major} (--node): test it, and rebuild native modules, on the new major`,
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
  const low = lowPortWarning(
    lowPorts(stage, [
      ...facts.sources.listenPorts,
      ...(stage.envValues.PORT === undefined ? facts.sources.fallbackPorts : []),
    ]),
    user.uid,
  );
  if (low) warnings.push(low);
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
  const frameworkDirs = productionDirs(production, app.appDir);
  const made = [...writable.mkdirs, ...writable.outside, ...frameworkDirs];
  const found = [
    ...writable.found,
    ...(production?.writable ?? []).map((w) => `${w} (${production!.framework} caches there)`),
  ];
  if (made.length > 0 || writable.appRootWritable) {
    changes.push({
      note: {
        rule: 'node/writable-paths',
        reason: `the app writes into ${found.join('; ')}: ${made.length > 0 ? `${made.join(', ')} made in the builder and ` : ''}copied owned by ${user.uid}:${user.gid}${writable.appRootWritable ? `, and ${app.appDir} is created by that COPY so the app can add files to it` : ''}; a host folder mounted there (docker run -v) must be writable by uid ${user.uid} too, as root's no longer is`,
      },
      edits:
        made.length > 0
          ? [
              insertLines(
                split.rootStepsEnd,
                w.line('RUN', `mkdir -p ${made.join(' ')}`),
                w,
                LINE_ORDER.rootSteps,
              ),
            ]
          : [],
    });
  }
  if (app.rootEntries)
    changes.push({
      note: {
        rule: 'common/app-directory',
        reason: `the app was copied into / (no WORKDIR): its ${app.rootEntries.length} top-level files and folders (${app.rootEntries.join(', ')}) are copied to the same paths, apart from the OS`,
      },
      edits: [],
    });
  warnings.push(...hostProvidedFiles(facts));
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
    `--from=${split.builderName} ${chown} ${app.appDir} ${app.appDir}`,
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
  const copies = app.rootEntries
    ? app.rootEntries.map((e) => w.line('COPY', `--from=${split.builderName} ${chown} /${e} /${e}`))
    : production?.copy
      ? production.copy.map((c) =>
          w.line(
            'COPY',
            `--from=${split.builderName} ${chown} ${posix.join(app.appDir, c.from)} ${posix.join(app.appDir, c.to)}`,
          ),
        )
      : [appCopy];
  // Always before WORKDIR: a COPY --chown makes the folder it creates the user's, while WORKDIR
  // would make it root's, and the app (or a library such as newrelic, logging into the folder
  // it runs in) could not add a file to it. Installs in the final stage come first (kept cache).
  const appLines = [...copies];
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
    const installed: string[] = [];
    for (const r of facts.runs) {
      const install = runtimePackageInstall(r.run, facts.runtimeOsPackages);
      if (install === null) continue;
      lines.push(
        install.whole ? instructionText(doc, r.run.ins) + w.eol : w.line('RUN', install.command),
      );
      installed.push(install.command);
    }
    // Libraries the full image had and its -slim lacks, for packages the app loads (Prisma: OpenSSL).
    const libraries = [...new Set(facts.sharedLibraries.flatMap((s) => s.debian))].filter(
      (p) => !facts.runtimeOsPackages.includes(p),
    );
    if (libraries.length > 0 && facts.base.libc === 'glibc' && !/slim/.test(facts.base.tag)) {
      const install = `apt-get update && apt-get install -y --no-install-recommends ${libraries.join(' ')} && rm -rf /var/lib/apt/lists/*`;
      lines.push(w.line('RUN', install));
      changes.push({
        note: {
          rule: 'node/shared-libraries',
          reason: `the app uses ${facts.sharedLibraries.map((s) => s.package).join(', ')}: ${facts.sharedLibraries.map((s) => s.why).join('; ')}; the final stage installs ${libraries.join(', ')} as ${stage.baseImage?.raw ?? 'the builder'} had ${libraries.length === 1 ? 'it' : 'them'}`,
        },
        edits: [],
      });
    }
    if (installed.length > 0)
      changes.push({
        note: {
          rule: 'node/runtime-os-packages',
          reason: `the app needs ${facts.runtimeOsPackages.join(', ')} at run time: the final stage installs ${facts.runtimeOsPackages.length === 1 ? 'it' : 'them'} as the builder did, alone (${installed.join('; ')})`,
        },
        edits: [],
      });
  }
  const globalCli = start.globalCli ?? null;
  if (globalCli) {
    if (profile.target !== 'slim') {
      return {
        ok: false,
        skip: {
          rule: 'node/global-cli-start',
          reason: `${globalCli.command[0]} comes from ${globalCli.package}, installed globally with a package manager that ${profile.finalImage} does not have`,
          suggestion: '--target slim installs it in the final stage the same way',
        },
      };
    }
    const install = facts.runs
      .flatMap((r) => r.classes)
      .find(
        (c) =>
          c.kind === 'global-install' &&
          (c.packages ?? []).some((p) => p.replace(/(?<=.)@.*$/, '') === globalCli.package),
      )!;
    const spec = install.packages!.find((p) => p.replace(/(?<=.)@.*$/, '') === globalCli.package)!;
    const command =
      install.manager === 'yarn'
        ? `yarn global add ${spec}`
        : `${install.manager ?? 'npm'} install -g ${spec}`;
    lines.push(w.line('RUN', command));
    changes.push({
      note: {
        rule: 'node/global-cli-start',
        reason: `${globalCli.command.join(' ')} runs as in the original; ${globalCli.package} is installed in the final stage as the original did (${command})${user.uid === 1000 ? ', and runs as node (1000), whose home keeps its state' : ''}`,
      },
      edits: [],
    });
    if (user.uid !== 1000)
      warnings.push({
        rule: 'node/global-cli-start',
        reason: `${globalCli.package} keeps state in the home folder, and uid ${user.uid} has none in ${profile.finalImage}; set PM2_HOME (or HOME) to a writable folder`,
      });
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

  let entrypoint: string[] | null = null;
  if (start.init) {
    const init = start.init;
    if (profile.target === 'slim') {
      entrypoint = [init.program, ...init.args, '--'];
    } else if (t.initPath && init.name === 'dumb-init') {
      entrypoint = [t.initPath, ...init.args, '--', t.nodePath as string];
    } else if (t.initPath) {
      entrypoint = [t.initPath, '--', t.nodePath as string];
      warnings.push({
        rule: 'node/keep-init-process',
        reason: `${init.name} replaced by ${t.initPath}, which ${profile.finalImage} ships`,
      });
    } else {
      const tool = facts.osPackageTool === 'apk' ? 'apk' : 'apt';
      const known = (NODE_FACTS.initBinaryPaths as Record<string, Record<string, string>>)[tool][
        init.name
      ];
      const path = init.program.startsWith('/') ? init.program : known;
      lines.push(w.line('COPY', `--from=${split.builderName} ${path} ${path}`));
      entrypoint = [path, ...init.args, '--', t.nodePath as string];
      changes.push({
        note: {
          rule: 'node/keep-init-process',
          reason: `${init.name} stays PID 1: ${path} is copied from the builder and runs node`,
        },
        edits: [],
      });
    }
  }
  lines.push(w.line('USER', `${user.uid}:${user.gid}`));
  lines.push(carried.tail);
  if (stage.healthcheck) {
    const hc = planHealthcheck(doc, stage.healthcheck, t.nodePath as string, w.kw('HEALTHCHECK'));
    if (hc.kind === 'keep') lines.push(split.moved.get(stage.healthcheck) + w.eol);
    else if (hc.kind === 'convert') {
      lines.push((split.comments.get(stage.healthcheck) ?? '') + hc.line + w.eol);
      changes.push({ note: { rule: 'node/convert-healthcheck', reason: hc.how }, edits: [] });
    } else
      warnings.push({
        rule: 'node/convert-healthcheck',
        reason: `HEALTHCHECK dropped: ${hc.reason}`,
      });
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
  if (entrypoint) lines.push(w.exec('ENTRYPOINT', entrypoint));
  lines.push(w.exec('CMD', cmd));

  const startNote: Note = original
    ? {
        rule: 'node/resolve-start-command',
        reason: `kept as ${original.join(' ')}; it resolves to ${start.trail.join(' -> ')}`,
      }
    : {
        rule: 'node/resolve-start-command',
        reason: `${start.trail.join(' -> ')}; CMD ${execArray(cmd)}${t.entrypoint && profile.target !== 'slim' && !entrypoint ? ` (ENTRYPOINT is ${t.entrypoint.join(' ')})` : ''}`,
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

/** Secrets the copied app folder carries, now or whenever the user has them at build time. */
function nodeSecrets(facts: NodeFacts, appDir: string): Note | null {
  const { stage } = facts;
  const ignored = facts.dockerignore !== null ? parseDockerIgnore(facts.dockerignore) : null;
  const present = facts.contextPaths.filter((p) => {
    if (p.endsWith('/') || ignored?.isExcluded(p)) return false;
    const image = imagePathOf(stage, facts.contextPaths, p);
    return image !== null && isWithin(image, appDir);
  });
  const whole = stage.copies.some(
    (c) =>
      c.fromStage === null &&
      c.sources.some((s) => s === '.' || s === './') &&
      isWithin(c.dest.replace(/\/$/, '') || '/', appDir),
  );
  const maybe = whole
    ? hostProvidedPatterns(facts.gitignore ?? undefined).filter(
        (p) => !ignored?.isExcluded(p.replace(/^\//, '')),
      )
    : [];
  return secretsWarning(appDir, present, maybe);
}

/** The folder the app's dependencies are installed in (where node_modules/.bin is). */
function installDir(facts: NodeFacts, appDir: string): string {
  for (const { run, classes } of facts.runs) {
    const i = classes.findIndex((c) => c.kind === 'install');
    if (i >= 0) return commandCwds(run)[i];
  }
  return appDir;
}

/**
 * A kept start (`pnpm start`) whose package manager the final image lacks (no node image has
 * pnpm, Node 26 has no yarn): a start through a package's bin runs that bin from
 * node_modules/.bin instead, with no package manager; otherwise the manager is installed in the
 * final stage at build time, at package.json's packageManager version (or the builder's), so
 * nothing is fetched when the container starts and every user can run it.
 */
function planFinalManager(
  facts: NodeFacts,
  words: string[],
  binDir: string,
  builder: string,
): { note: Note; warning?: Note; install?: string; command?: string[] } | null {
  const manager = posix.basename(words[0]);
  if (manager !== 'yarn' && manager !== 'pnpm') return null;
  const major = currentNodeMajor(facts.base);
  if (major !== null && imageHasPackageManager(manager, major)) return null;
  const start = facts.start;
  const image = `node:${facts.base.slimTag}`;
  const unknownEnv = facts.npmEnv !== null && facts.npmEnv.unknown.length > 0;
  if (start.ok && start.keptScript && !unknownEnv) {
    const bin = posix.join(binDir, 'node_modules/.bin', start.keptScript.tool);
    return {
      command: [bin, ...start.keptScript.args],
      note: {
        rule: 'node/keep-package-script',
        reason: `${words.join(' ')} runs ${start.keptScript.tool} from ${start.keptScript.package}, and ${image} has no ${manager}: the final stage runs ${bin} itself (${builder}'s node_modules/.bin), with no package manager`,
      },
    };
  }
  if (major === null)
    return {
      note: {
        rule: 'node/final-package-manager',
        reason: `${words.join(' ')} stays the start command`,
      },
      warning: {
        rule: 'node/final-package-manager',
        reason: `the start runs ${manager}, and whether ${image} has it depends on the Node major the tag "${facts.base.tag}" gives: check that it does`,
      },
    };
  const declared = facts.packageJson && packageManagerVersion(facts.packageJson, manager);
  const pinned = declared || builderManagerVersion(facts, manager);
  const spec = pinned ? `${manager}@${pinned}` : manager;
  return {
    install: `npm install -g ${spec}`,
    note: {
      rule: 'node/final-package-manager',
      reason: `${words.join(' ')} stays the start command, and ${image} has no ${manager}: npm install -g ${spec} puts it in the final stage at build time (${declared ? "package.json's packageManager" : pinned ? 'the version the builder installs' : 'no version is pinned'}), readable by every user, so nothing is downloaded when the container starts`,
    },
    ...(pinned
      ? {}
      : {
          warning: {
            rule: 'node/final-package-manager' as const,
            reason: `${manager} is installed in the final stage without a version (neither package.json's packageManager nor the Dockerfile pins one): pin it for reproducible builds`,
          },
        }),
  };
}

/** The version a builder's global install or corepack step names (`npm i -g pnpm@8.6.0`). */
function builderManagerVersion(facts: NodeFacts, manager: string): string | null {
  for (const { run } of facts.runs) {
    const m = new RegExp(`\\b${manager}@(\\d[\\w.-]*)`).exec(run.text);
    if (m) return m[1];
  }
  return null;
}

/** The original start command as exec words (it is a plain command, or it would not resolve). */
function packageManagerWords(stage: StageFacts): string[] | null {
  const command = effectiveCommand(stage);
  if (command === null) return null;
  if (Array.isArray(command)) return command;
  const split = splitShellWords(command.shell);
  return split.plain ? split.words : null;
}
