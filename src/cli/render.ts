import { structuredPatch } from 'diff';
import type { Note, Skip } from '../types';
import type { Colors } from './colors';
import { classOfSkip } from '../skip-class';

/** A git-style unified diff of one file (`a/` and `b/` prefixes, three lines of context). */
export function unifiedDiff(
  displayPath: string,
  before: string,
  after: string,
  colors: Colors,
  isNewFile = false,
): string {
  const patch = structuredPatch(`a/${displayPath}`, `b/${displayPath}`, before, after, '', '', {
    context: 3,
  });
  if (patch.hunks.length === 0) return '';
  const out: string[] = [colors.bold(`diff --git a/${displayPath} b/${displayPath}`)];
  if (isNewFile) out.push(colors.bold('new file mode 100644'));
  out.push(
    colors.bold(isNewFile ? '--- /dev/null' : `--- a/${displayPath}`),
    colors.bold(`+++ b/${displayPath}`),
  );
  for (const h of patch.hunks) {
    // An empty side starts at the line before it, as git writes it (@@ -0,0 +1,29 @@).
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(colors.cyan(`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`));
    for (const line of h.lines) {
      const visible = line.replace(/\r$/, '');
      if (line.startsWith('+')) out.push(colors.green(visible));
      else if (line.startsWith('-')) out.push(colors.red(visible));
      else out.push(visible);
    }
  }
  return out.join('\n') + '\n';
}

export function formatNotes(edits: Note[], warnings: Note[], colors: Colors): string {
  const lines = edits.map((n) => `  ${colors.dim('*')} ${colors.cyan(n.rule)}: ${n.reason}`);
  for (const w of warnings)
    lines.push(`  ${colors.yellow('!')} ${colors.yellow(w.rule)}: ${w.reason}`);
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

export function formatSkip(displayPath: string, skip: Skip, colors: Colors): string {
  const hint = skip.suggestion ? ` (try: ${skip.suggestion})` : '';
  const where = skip.line !== undefined ? `:${skip.line}` : '';
  return `${displayPath}${where}: ${colors.yellow('skipped')} (${classOfSkip(skip)}) [${skip.rule}] ${skip.reason}${hint}\n`;
}

/** Colors a plain unified diff (as unifiedDiff writes it with no colors) line by line. */
export function colorizeDiff(text: string, colors: Colors): string {
  if (text === '') return text;
  return (
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => {
        if (/^(diff --git |--- |\+\+\+ |new file mode )/.test(line)) return colors.bold(line);
        if (line.startsWith('@@')) return colors.cyan(line);
        if (line.startsWith('+')) return colors.green(line);
        if (line.startsWith('-')) return colors.red(line);
        return line;
      })
      .join('\n') + '\n'
  );
}
