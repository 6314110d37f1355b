import path from 'path';
import SIZES from '../../templates/image-sizes.json';
import type { Io } from './io';
import type { FileOutcome } from './process-file';
import { classOfSkip, SKIP_CLASSES, SKIP_CLASS_LABELS } from '../skip-class';

interface SizeEstimate {
  mb: number;
  label: string;
  basis: string;
  source: string;
}

export function estimateSize(image: string): SizeEstimate | null {
  const ref = image.replace(/^docker\.io\/(library\/)?/, '').replace(/@sha256:[0-9a-f]+$/, '');
  const hit = SIZES.images.find((e) => new RegExp(e.pattern).test(ref));
  return hit ? { mb: hit.mb, label: hit.label, basis: hit.basis, source: hit.source } : null;
}

/** A markdown summary to paste as a pull-request body: what changed, why, what to review. */
export function markdownReport(outcomes: FileOutcome[], io: Io): string {
  const changed = outcomes.filter((o) => o.status === 'changed');
  const skipped = outcomes.filter((o) => o.status === 'skipped');
  const errors = outcomes.filter((o) => o.status === 'error');
  const lines: string[] = ['## dockerize-slim: multi-stage, non-root Dockerfiles', ''];
  lines.push(
    `${changed.length} rewritten, ${outcomes.filter((o) => o.status === 'unchanged').length} unchanged, ${skipped.length} skipped, ${errors.length} with errors.`,
    '',
  );
  if (changed.length > 0) {
    lines.push(
      '| file | final image | base image before | after (estimate) |',
      '|---|---|---|---|',
    );
    const sources = new Set<string>();
    for (const o of changed) {
      const r = o.result!;
      const before = r.baseImage ?? null;
      const b = before ? estimateSize(before) : null;
      const a = r.finalImage ? estimateSize(r.finalImage) : null;
      for (const e of [b, a]) if (e) sources.add(`${e.label}: ${e.mb} MB ${e.basis} (${e.source})`);
      const fmt = (img: string | null, e: SizeEstimate | null) =>
        `\`${img ?? '?'}\` ${e ? `~${e.mb} MB` : '(no published figure)'}`;
      lines.push(
        `| \`${o.display}\` | ${r.target} | ${fmt(before, b)} | ${fmt(r.finalImage ?? null, a)} |`,
      );
    }
    lines.push(
      '',
      `_Sizes are estimates of the base images alone (not your app's layers), from published figures with mixed bases: ${[...sources].join('; ') || 'none'}. Run \`dockerize-slim verify\` for measured sizes._`,
      '',
    );
    for (const o of changed) {
      const r = o.result!;
      lines.push(`### \`${o.display}\``, '');
      for (const e of r.edits) lines.push(`- \`${e.rule}\`: ${e.reason}`);
      for (const f of r.newFiles ?? [])
        lines.push(
          `- new file \`${path
            .relative(io.cwd, path.join(o.contextRoot ?? '', f.path))
            .split(path.sep)
            .join('/')}\``,
        );
      if (r.warnings.length > 0) {
        lines.push('', '**To review:**');
        for (const w of r.warnings) lines.push(`- [ ] \`${w.rule}\`: ${w.reason}`);
      }
      lines.push('');
    }
  }
  if (skipped.length > 0) {
    lines.push('### Left unchanged', '');
    for (const c of SKIP_CLASSES) {
      const group = skipped.filter((o) => classOfSkip(o.result!.skipped!) === c);
      if (group.length === 0) continue;
      lines.push(
        `#### ${group.length} ${SKIP_CLASS_LABELS[c]}`,
        '',
        '| file | rule | reason | what to change |',
        '|---|---|---|---|',
      );
      for (const o of group) {
        const skip = o.result!.skipped!;
        const cell = (t: string) => t.replace(/\|/g, '\\|');
        const where = skip.line !== undefined ? `:${skip.line}` : '';
        lines.push(
          `| \`${o.display}${where}\` | \`${skip.rule}\` | ${cell(skip.reason)} | ${cell(skip.suggestion ?? '')} |`,
        );
      }
      lines.push('');
    }
  }
  if (errors.length > 0) {
    lines.push('### Errors', '');
    for (const o of errors) lines.push(`- \`${o.display}\`: ${o.error!.message}`);
    lines.push('');
  }
  return lines.join('\n');
}
