import path from 'path';
import type { Io } from './io';
import { displayPath } from './display-path';
import type { FileOutcome } from './process-file';
import { classOfSkip, SKIP_CLASSES } from '../skip-class';

export const JSON_SCHEMA_VERSION = 2;

/** A context folder as the user names it: relative to the working directory, `.` for it. */
function contextDisplay(root: string, io: Io): string {
  const rel = path.relative(io.cwd, root);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? root : rel.split(path.sep).join('/');
}

/** The `--format json` document; its shape is fixed by schema/result.schema.json (versioned). */
export function toJsonReport(outcomes: FileOutcome[], elapsedMs: number, io: Io) {
  const files = outcomes.map((o) => {
    const r = o.result;
    return {
      path: o.display,
      context: o.contextRoot === undefined ? null : contextDisplay(o.contextRoot, io),
      status: o.status,
      target: r?.target ?? null,
      finalImage: r?.finalImage ?? null,
      edits: (r?.edits ?? []).map((n) => ({ rule: n.rule, reason: n.reason })),
      warnings: (r?.warnings ?? []).map((n) => ({ rule: n.rule, reason: n.reason })),
      skipped: r?.skipped
        ? {
            rule: r.skipped.rule,
            class: classOfSkip(r.skipped),
            reason: r.skipped.reason,
            suggestion: r.skipped.suggestion ?? null,
            line: r.skipped.line ?? null,
          }
        : null,
      error: o.error ? { code: o.error.code, message: o.error.message } : null,
      diff: o.status === 'changed' ? (o.diff ?? null) : null,
      contract: o.status === 'changed' && r?.contract ? r.contract : null,
      runtimeFolders: o.status === 'changed' ? (r?.runtimeFolders ?? []) : [],
      newFiles: (r?.newFiles ?? []).map((f) => ({
        path: displayPath(path.join(o.contextRoot ?? '', f.path), io),
        content: f.content,
      })),
    };
  });
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    files,
    summary: {
      files: outcomes.length,
      changed: count('changed'),
      unchanged: count('unchanged'),
      skipped: count('skipped'),
      skippedByClass: Object.fromEntries(
        SKIP_CLASSES.map((c) => [
          c,
          outcomes.filter((o) => o.result?.skipped && classOfSkip(o.result.skipped) === c).length,
        ]),
      ),
      errors: count('error'),
      elapsedMs: Math.round(elapsedMs),
    },
  };
}
