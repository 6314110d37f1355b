import path from 'path';
import type { Io } from './io';
import { displayPath, FileOutcome } from './process-file';

export const JSON_SCHEMA_VERSION = 1;

/** The `--format json` document; its shape is fixed by schema/result.schema.json (versioned). */
export function toJsonReport(outcomes: FileOutcome[], elapsedMs: number, io: Io) {
  const files = outcomes.map((o) => {
    const r = o.result;
    return {
      path: o.display,
      status: o.status,
      target: r?.target ?? null,
      finalImage: r?.finalImage ?? null,
      edits: (r?.edits ?? []).map((n) => ({ rule: n.rule, reason: n.reason })),
      warnings: (r?.warnings ?? []).map((n) => ({ rule: n.rule, reason: n.reason })),
      skipped: r?.skipped
        ? {
            rule: r.skipped.rule,
            reason: r.skipped.reason,
            suggestion: r.skipped.suggestion ?? null,
          }
        : null,
      error: o.error ? { code: o.error.code, message: o.error.message } : null,
      diff: o.status === 'changed' ? (o.diff ?? null) : null,
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
      errors: count('error'),
      elapsedMs: Math.round(elapsedMs),
    },
  };
}
