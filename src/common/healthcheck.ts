import { Instruction } from 'dockerfile-ast';
import { execFormOf, logicalArguments, ParsedDockerfile, rangeOffsets } from '../dockerfile/parse';
import { splitCommandList, splitShellWords } from '../dockerfile/shell-words';
import { execArray } from '../dockerfile/edit';

export type HealthcheckPlan =
  | { kind: 'keep' }
  | { kind: 'convert'; line: string; how: string }
  | { kind: 'drop'; reason: string };

const LOCAL_URL = /^https?:\/\/(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(:\d+)?(\/[^\s]*)?$/;

/** The command a HEALTHCHECK runs (shell form as written, exec form joined), or null for NONE. */
function healthcheckCommand(doc: ParsedDockerfile, ins: Instruction): string | null {
  const sub = ins.getArguments().find((a) => /^(CMD|NONE)$/i.test(a.getValue()));
  if (!sub || /^NONE$/i.test(sub.getValue())) return null;
  // dockerfile-ast's argument range starts after the flags, at CMD.
  const exec = execFormOf(doc, ins, 1);
  if (exec)
    return exec[0] === 'CMD-SHELL' ? exec.slice(1).join(' ') : exec.map(quoteIfNeeded).join(' ');
  return logicalArguments(doc, ins).replace(/^[\s\S]*?\bCMD\b\s*/i, '');
}

// Shell builtins a check may use around its program (`curl -f ... || exit 1`).
const BUILTINS = new Set(['exit', 'true', 'false', 'test', '[', 'echo', ':']);

/**
 * The programs a HEALTHCHECK runs, builtins left out; null when that cannot be read from the line
 * (expansions, subshells), so a caller keeps it only on what it knows.
 */
export function healthcheckPrograms(doc: ParsedDockerfile, ins: Instruction): string[] | null {
  const command = healthcheckCommand(doc, ins);
  if (command === null) return [];
  const programs: string[] = [];
  for (const part of splitCommandList(command)) {
    const split = splitShellWords(part);
    if (!split.plain) return null;
    const tool = split.words[0];
    if (tool !== undefined && !BUILTINS.has(tool)) programs.push(tool);
  }
  return programs;
}

/**
 * A HEALTHCHECK for a final image whose only program is node: a plain HTTP GET on localhost with
 * curl or wget becomes an exec-form node one-liner with the same pass/fail rule; `node x.js`
 * keeps working in exec form; anything else cannot run there and is dropped.
 */
export function planHealthcheck(
  doc: ParsedDockerfile,
  ins: Instruction,
  nodePath: string,
  keyword: string,
): HealthcheckPlan {
  const args = ins.getArguments();
  const sub = args.find((a) => /^(CMD|NONE)$/i.test(a.getValue()));
  if (!sub) return { kind: 'drop', reason: 'HEALTHCHECK has no CMD' };
  if (/^NONE$/i.test(sub.getValue())) return { kind: 'keep' };
  const [subStart] = rangeOffsets(doc, sub.getRange());
  const [insStart] = rangeOffsets(doc, ins.getRange());
  const head = doc.source.slice(insStart, subStart);
  const options = head.slice(head.search(/\s/)).trim();
  const command = healthcheckCommand(doc, ins)!;
  const parts = splitCommandList(command).filter((p) => !/^exit\s+1$/.test(p));
  if (parts.length !== 1) return { kind: 'drop', reason: `HEALTHCHECK "${command}" needs a shell` };
  const split = splitShellWords(parts[0]);
  if (!split.plain) return { kind: 'drop', reason: `HEALTHCHECK "${command}" ${split.reason}` };
  const [tool, ...rest] = split.words;
  const prefix = `${keyword} ${options ? options + ' ' : ''}CMD `;
  if (tool === 'node' || tool === 'nodejs') {
    return {
      kind: 'convert',
      line: prefix + execArray([nodePath, ...rest]),
      how: 'node check kept in exec form',
    };
  }
  if (tool !== 'curl' && tool !== 'wget')
    return {
      kind: 'drop',
      reason: `HEALTHCHECK runs ${tool}, which the final image does not have`,
    };
  const urls = rest.filter((w) => /^https?:\/\//.test(w));
  const url = urls[0];
  const unknownFlags = rest.filter(
    (w) =>
      w.startsWith('-') &&
      !/^(-[fsSqL]+|--fail|--silent|--show-error|--location|-O-?|--spider|-O\/dev\/null|--quiet|--tries=\d+|-T\d*|--timeout=\d+|--max-time|-m)$/.test(
        w,
      ),
  );
  if (
    urls.length !== 1 ||
    !LOCAL_URL.test(url) ||
    unknownFlags.length > 0 ||
    url.startsWith('https')
  ) {
    return {
      kind: 'drop',
      reason: `HEALTHCHECK "${command}" is not a plain HTTP GET on localhost`,
    };
  }
  const failsOnHttpError =
    tool === 'wget' || rest.some((w) => w === '--fail' || /^-[a-zA-Z]*f/.test(w));
  const target = url.replace(/\/\/(localhost|0\.0\.0\.0)/, '//127.0.0.1');
  const verdict = failsOnHttpError ? 'r.statusCode < 400 ? 0 : 1' : '0';
  const script = `require('http').get(${JSON.stringify(target).replace(/"/g, "'")}, (r) => process.exit(${verdict})).on('error', () => process.exit(1))`;
  return {
    kind: 'convert',
    line: prefix + execArray([nodePath, '-e', script]),
    how: `${tool} ${url} became a node HTTP check`,
  };
}

function quoteIfNeeded(w: string): string {
  return /[\s"'\\]/.test(w) ? `'${w.replace(/'/g, "'\\''")}'` : w;
}
