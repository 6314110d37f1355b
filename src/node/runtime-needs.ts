import posix from 'path/posix';
import { contextHas, contextPathOf, imagePathOf } from '../dockerfile/copies';
import { parseDockerIgnore } from '../build-context/dockerignore';
import { NodeFacts } from './analyze';
import { NODE_FACTS } from '../templates';
import type { NewFile, Note } from '../types';
import { AppPaths } from './app-paths';
import type { Production } from './frameworks';

export interface NodeWritablePlan {
  /** The app writes files directly into its folder: the folder itself must belong to the user. */
  appRootWritable: boolean;
  /** Folders to make in the builder (inside the app folder they travel with it, owned). */
  mkdirs: string[];
  /** Folders outside the app folder, made in the builder and copied owned. */
  outside: string[];
  /** Folders inside the app folder the app writes (--minimal copies only these owned). */
  inside: string[];
  /** What was found, for the reason. */
  found: string[];
}

/**
 * Folders the app writes into, from its sources (fs writes, mkdir, SQLite files, multer and
 * logger destinations) and its VOLUMEs, and how each gets into the final image owned by the
 * non-root user. Files written under /tmp need nothing: every final image has a 1777 /tmp.
 */
export function nodeWritablePlan(facts: NodeFacts, app: AppPaths): NodeWritablePlan {
  const plan: NodeWritablePlan = {
    appRootWritable: false,
    mkdirs: [],
    outside: [],
    inside: [],
    found: [],
  };
  const { stage } = facts;
  const inApp = (p: string) => p === app.appDir || p.startsWith(app.appDir + '/');
  const need = (dir: string, why: string) => {
    if (dir === '/' || /^\/(tmp|proc|sys|dev)(\/|$)/.test(dir)) return;
    plan.found.push(`${dir} (${why})`);
    if (dir === app.appDir) {
      plan.appRootWritable = true;
      return;
    }
    if (inApp(dir)) {
      if (!plan.inside.some((d) => dir === d || dir.startsWith(d + '/'))) plan.inside.push(dir);
      const ctx = contextPathOf(stage, facts.contextPaths, dir);
      if (ctx !== null && contextHas(facts.contextPaths, ctx) === 'dir') return;
      if (!plan.mkdirs.includes(dir)) plan.mkdirs.push(dir);
    } else if (!app.extra.some((e) => dir === e || dir.startsWith(e + '/'))) {
      if (!plan.outside.includes(dir)) plan.outside.push(dir);
    }
  };
  for (const w of facts.sources.written) {
    const image =
      w.base === 'cwd'
        ? posix.resolve(app.workdir, w.path)
        : imagePathOf(stage, facts.contextPaths, w.path);
    if (image === null) continue;
    need(w.kind === 'dir' ? image : posix.dirname(image), `${w.where} writes ${w.path}`);
  }
  // Where the code writes to a path it computes, the app's own folder stays writable (safe first).
  const reached = facts.graph ? new Set(facts.graph.files) : null;
  const computed = facts.sources.computedWrites.filter(
    (w) => reached === null || reached.has(w.replace(/:\d+$/, '')),
  );
  if (computed.length > 0) need(app.appDir, `${computed[0]} writes to a path computed at run time`);
  for (const v of stage.volumes)
    for (const a of v.getArguments()) {
      const p = a.getValue().replace(/^\[|\]$|^"|"$|,$/g, '');
      if (p.startsWith('/')) need(p, `VOLUME ${p}`);
    }
  plan.found = [...new Set(plan.found)];
  return plan;
}

/** Dockerfile ENV value syntax: bare when safe, else double-quoted with `\`, `"` and `$` escaped. */
export function envValue(value: string, escape: string): string {
  if (/^[A-Za-z0-9_./:@+,=-]*$/.test(value) && value !== '') return value;
  return `"${value.replace(/[\\"$`]/g, (c) => (c === escape || c === '"' || c === '$' ? escape + c : c))}"`;
}

/** A .dockerignore to create (none exists), or a warning (one exists but lets node_modules in). */
export function dockerignoreNeed(facts: NodeFacts): {
  file?: NewFile;
  note?: Note;
  warning?: Note;
} {
  const { stage } = facts;
  const firstInstall = facts.runs.find((r) => r.classes.some((c) => c.kind === 'install'));
  if (!firstInstall) return {};
  const installLine = firstInstall.run.ins.getRange().start.line;
  const wholeContextAfter = stage.copies.find(
    (c) =>
      c.fromStage === null &&
      c.ins.getRange().start.line > installLine &&
      c.sources.some((s) => s === '.' || s === './'),
  );
  if (!wholeContextAfter) return {};
  const line = wholeContextAfter.ins.getRange().start.line + 1;
  const hasSpecific = facts.contextPaths.some(
    (p) => !p.includes('/') && p.endsWith('.dockerignore') && p !== '.dockerignore',
  );
  if (hasSpecific) return {};
  if (facts.dockerignore === null && facts.contextPaths.includes('.dockerignore'))
    return {
      warning: {
        rule: 'node/dockerignore',
        reason: `.dockerignore is there but could not be read (a link out of the context, or not a regular file): make sure it excludes node_modules, or the COPY on line ${line} brings the host's node_modules over the image's`,
      },
    };
  if (facts.dockerignore !== null) {
    if (parseDockerIgnore(facts.dockerignore).isExcluded('node_modules')) return {};
    return {
      warning: {
        rule: 'node/dockerignore',
        reason: `.dockerignore does not exclude node_modules, so the COPY on line ${line} brings the host's node_modules over the ones installed in the image (native modules built for another system break at start); add node_modules to it`,
      },
    };
  }
  const usesGit =
    stage.runs.some((r) => /\bgit\b/.test(r.text)) ||
    Object.values(facts.packageJson?.scripts ?? {}).some((s) => /\bgit\b/.test(s));
  const entries = NODE_FACTS.dockerignore.filter((e) => !(usesGit && e === '.git'));
  return {
    file: {
      path: '.dockerignore',
      content: `# dockerize-slim: keep the host's dependencies, logs and git data out of the build context\n${entries.join('\n')}\n`,
    },
    note: {
      rule: 'node/dockerignore',
      reason: `new file .dockerignore (${entries.join(', ')}): the COPY on line ${line} copies the whole context after the install, and without it the host's node_modules would replace the image's`,
    },
  };
}

/**
 * The builder folders to create so a framework's writable folders exist, owned, in the final
 * stage: inside the app folder, or inside the bundle a copy takes (.next/standalone/.next/cache).
 */
export function productionDirs(production: Production | null, appDir: string): string[] {
  if (!production) return [];
  return production.writable.map((w) => {
    const copy = production.copy?.find(
      (c) => c.to === '.' || w === c.to || w.startsWith(c.to + '/'),
    );
    if (!copy) return posix.join(appDir, w);
    const rest = copy.to === '.' ? w : posix.relative(copy.to, w);
    return posix.join(appDir, copy.from, rest);
  });
}
