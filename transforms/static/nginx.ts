import { NodeFacts } from '../../src/node/analyze';
import { StaticSite } from '../../src/static/site';
import { Change, insertLines, instructionText, LINE_ORDER } from '../../src/dockerfile/edit';
import {
  CONFIG_FILE_NAME,
  isDockerIgnored,
  mainConfig,
  serverConfig,
} from '../../src/static/nginx-config';
import { defaultsOf, PlanResult } from '../../src/common/plan';
import { isSkip, resolveRuntimeUser } from '../../src/common/runtime-user';
import { appendFinalStage, splitStage } from '../../src/common/split-stage';
import { getTemplate, imageReference, TemplateId } from '../../src/templates';
import type { BuildContext, NginxVariant, Note, TransformOptions } from '../../src/types';

export const id = 'static/nginx';
export const summary =
  'Static front-end: build stage + nginx (alpine, unprivileged or Chainguard) serving the built files as non-root';

const STATIC_SERVERS = new Set(['serve', 'http-server']);

const TEMPLATES: Record<NginxVariant, TemplateId> = {
  alpine: 'static-nginx-alpine',
  unprivileged: 'static-nginx-unprivileged',
  chainguard: 'static-nginx-chainguard',
};

export default function plan(
  facts: NodeFacts,
  site: StaticSite,
  options: TransformOptions,
  variant: NginxVariant,
  context: BuildContext,
): PlanResult {
  const { stage } = facts;
  const t = getTemplate(TEMPLATES[variant]);
  const finalImage = imageReference(t);
  const user = resolveRuntimeUser(stage, t, finalImage, options.user, {});
  if (isSkip(user)) return { ok: false, skip: user };
  const serverInstalls = facts.runs
    .filter(
      (r) =>
        r.classes.length > 0 &&
        r.classes.every(
          (c) =>
            c.kind === 'global-install' &&
            (c.packages ?? []).every((p) => STATIC_SERVERS.has(p.replace(/@[^/]*$/, ''))),
        ),
    )
    .map((r) => r.run.ins);
  const split = splitStage(stage, {
    drop: {
      instructions: serverInstalls,
      note: {
        rule: 'static/drop-static-server',
        reason:
          'the global install of the Node static server is dropped from the build stage: nginx serves the files now',
      },
    },
  });
  const w = split.writer;
  const changes: Change[] = [...split.changes];
  const warnings: Note[] = [...user.warnings];
  if (site.needsBuildStep) {
    const end = split.builderEnd;
    changes.push({
      note: {
        rule: 'static/add-build-step',
        reason: `the original served a dev server (${site.servedBy}); the builder now runs ${site.needsBuildStep} so nginx can serve the built files`,
      },
      edits: [insertLines(end, w.line('RUN', site.needsBuildStep), w, LINE_ORDER.build)],
    });
  }
  const nginxSite = {
    port: site.port,
    root: t.htmlRoot as string,
    spa: site.spa,
    index: site.index,
    fallback: site.fallback,
  };
  const config = t.configMode === 'server-block' ? serverConfig(nginxSite) : mainConfig(nginxSite);
  const configText = config.map((l) => l + '\n').join('');
  const existing = context.files[CONFIG_FILE_NAME];
  if (existing !== undefined && existing !== configText) {
    return {
      ok: false,
      skip: {
        rule: 'static/nginx-config',
        reason: `the build context already has a different ${CONFIG_FILE_NAME}, which this tool will not overwrite`,
        suggestion: `move or rename ${CONFIG_FILE_NAME}`,
      },
    };
  }
  if (isDockerIgnored(context.files['.dockerignore'], CONFIG_FILE_NAME)) {
    return {
      ok: false,
      skip: {
        rule: 'static/nginx-config',
        reason: `.dockerignore excludes ${CONFIG_FILE_NAME}, so the nginx configuration could not reach the build`,
        suggestion: `add !${CONFIG_FILE_NAME} to .dockerignore`,
      },
    };
  }
  const lines: string[] = [];
  lines.push(w.line('FROM', finalImage));
  lines.push(w.line('COPY', `${CONFIG_FILE_NAME} ${t.configPath}`));
  lines.push(w.line('COPY', `--from=${split.builderName} ${site.outDir} ${t.htmlRoot}`));
  lines.push(w.line('USER', `${user.uid}:${user.gid}`));
  if (stage.maintainer) lines.push(instructionText(stage.doc, stage.maintainer) + w.eol);
  for (const label of stage.labels) lines.push(instructionText(stage.doc, label) + w.eol);
  for (const v of stage.volumes) lines.push((split.moved.get(v) ?? '') + w.eol);
  lines.push(w.line('EXPOSE', String(site.port)));
  if (stage.healthcheck) {
    if (t.hasShell) lines.push((split.moved.get(stage.healthcheck) ?? '') + w.eol);
    else
      warnings.push({
        rule: 'static/nginx-final-stage',
        reason: `HEALTHCHECK dropped: ${finalImage} has no shell, curl or wget`,
      });
  }
  if (site.port < 1024) {
    warnings.push({
      rule: 'static/listen-port',
      reason: `nginx listens on ${site.port} as the original did; a non-root process can bind below 1024 only where the runtime allows it (Docker bridge networks do; host networking and CRI-O do not)`,
    });
  }
  const dropped = site.runtimeEnv;
  changes.push({
    note: {
      rule: 'static/detect-static-site',
      reason: `${site.framework.id === 'prebuilt' ? 'files copied in as they are, ' : `${site.framework.name} build `}served by "${site.servedBy}": ${site.outDir} is static files, so no Node runtime is needed${site.framework.id === 'prebuilt' || (site.needsBuildStep === null && !facts.hasBuildStep) ? ' (the image never builds them: they come from the build context)' : ''}`,
    },
    edits: [],
  });
  changes.push({
    note: {
      rule: 'static/nginx-config',
      reason: `new file ${CONFIG_FILE_NAME} (${t.configMode === 'server-block' ? 'a server block' : 'a whole nginx.conf'}) copied to ${t.configPath}: listen ${site.port} (the original port)${site.index !== 'index.html' ? `, index ${site.index} (the pages the build writes)` : ''}${site.spa ? `, single-page-app fallback to /${site.fallback}` : ''}${t.configMode === 'replace-main' ? ', pid and temp paths in /tmp so a non-root user can start nginx' : ''}`,
    },
    edits: [],
  });
  if (dropped.length > 0) {
    changes.push({
      note: {
        rule: 'static/runtime-env',
        reason: `ENV ${dropped.join(', ')} was for the Node server; nginx does not read it, so it stays in the build stage only`,
      },
      edits: [],
    });
  }
  changes.push(
    appendFinalStage(stage, split, lines.join(''), {
      rule: 'static/nginx-final-stage',
      reason: `final stage ${finalImage}: only the built files and nginx; image ENTRYPOINT and CMD kept`,
    }),
  );
  changes.push({ note: user.note, edits: [] });
  return {
    ok: true,
    plan: {
      target: 'nginx',
      finalImage,
      finalHasShell: t.hasShell,
      finalDefaults: defaultsOf(t),
      changes,
      warnings,
      newFiles: existing === undefined ? [{ path: CONFIG_FILE_NAME, content: configText }] : [],
    },
  };
}
