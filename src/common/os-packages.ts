import { roughWords } from '../dockerfile/shell-words';
import type { RunStep } from '../dockerfile/stage';

const INDEX_UPDATE = /^\s*(?:\w+=\S*\s+)*(apt-get|apt)\s+(-\S+\s+)*update\b|^\s*apk\s+update\b/;
const INSTALL = /^\s*(?:\w+=\S*\s+)*(apt-get|apt)\s+(-\S+\s+)*install\b|^\s*apk\s+add\b/;
const CLEANUP =
  /^\s*rm\s+-rf?\s+\/var\/lib\/apt\/lists|^\s*(apt-get|apt)\s+clean\b|^\s*rm\s+-rf?\s+\/var\/cache\/apk/;
/** Options of apt-get and apk that take the next word as their value. */
const VALUE_OPTIONS = new Set([
  '-o',
  '--option',
  '-t',
  '--target-release',
  '--virtual',
  '-X',
  '--repository',
]);

/**
 * The OS package install of one builder RUN, alone, for a final stage that has the same package
 * manager: the index update, the install of the packages the app needs at run time (with the
 * original's flags), and the cleanup, without the commands around them (an `npm install` on
 * the same line would fail in a final stage without package.json). Null when the RUN installs
 * none of them.
 */
export function runtimePackageInstall(
  run: RunStep,
  runtime: readonly string[],
): { command: string; whole: boolean } | null {
  const kept: string[] = [];
  let installs = 0;
  let dropped = 0;
  for (const command of run.commands) {
    const text = command.trim();
    if (INDEX_UPDATE.test(text) || CLEANUP.test(text)) {
      kept.push(text);
      continue;
    }
    if (!INSTALL.test(text)) {
      dropped++;
      continue;
    }
    const words = roughWords(text);
    const out: string[] = [];
    let packages = 0;
    const verb = words.findIndex((w) => w === 'install' || w === 'add');
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (i <= verb || w.startsWith('-')) {
        out.push(w);
        if (VALUE_OPTIONS.has(w) && i + 1 < words.length) out.push(words[++i]);
        continue;
      }
      if (runtime.includes(w.replace(/[=<>~].*$/, ''))) {
        out.push(w);
        packages++;
      } else dropped++;
    }
    if (packages === 0) continue;
    installs++;
    kept.push(out.map(quoteWord).join(' '));
  }
  // `whole`: the RUN is nothing but this install, so its own text (continuations and all) can stay.
  return installs > 0 ? { command: kept.join(' && '), whole: dropped === 0 } : null;
}

function quoteWord(w: string): string {
  return /^[\w@%+=:,./<>~*-]+$/.test(w) && !/[<>*]/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
