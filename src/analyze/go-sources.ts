import { GO_FACTS } from '../templates';

/** What the Go sources in the build context say about the runtime the binary needs. */
export interface GoSourceFacts {
  fileCount: number;
  /** Files with `import "C"`. */
  cgoFiles: string[];
  importsTzdata: boolean;
  usesTimeZones: boolean;
  usesTls: boolean;
  usesTempDir: boolean;
  usesOsUser: boolean;
  /** Relative paths the code opens at runtime (templates, static folders, config files). */
  runtimeFiles: string[];
  /** Relative files the code creates or writes at runtime. */
  writtenFiles: string[];
  /** Relative folders the code creates at runtime (os.Mkdir, os.MkdirAll). */
  writtenDirs: string[];
  /** Paths covered by //go:embed (already inside the binary). */
  embedded: string[];
  /** Programs started with exec.Command. */
  execPrograms: string[];
  truncated: boolean;
}

const MAX_FILES = GO_FACTS.limits.maxFiles;
const MAX_TOTAL = GO_FACTS.limits.maxTotalBytes;

/** Static reading only: regular expressions over the text, never a build or an execution. */
export function scanGoSources(files: Record<string, string>): GoSourceFacts {
  const facts: GoSourceFacts = {
    fileCount: 0,
    cgoFiles: [],
    importsTzdata: false,
    usesTimeZones: false,
    usesTls: false,
    usesTempDir: false,
    usesOsUser: false,
    runtimeFiles: [],
    writtenFiles: [],
    writtenDirs: [],
    embedded: [],
    execPrograms: [],
    truncated: false,
  };
  let total = 0;
  const runtime = new Set<string>();
  const written = new Set<string>();
  const dirs = new Set<string>();
  for (const [path, text] of Object.entries(files).sort()) {
    if (!path.endsWith('.go') || path.endsWith('_test.go')) continue;
    if (facts.fileCount >= MAX_FILES || total + text.length > MAX_TOTAL) {
      facts.truncated = true;
      break;
    }
    facts.fileCount++;
    total += text.length;
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '');
    if (/^\s*import\s+"C"/m.test(code) || /^\s*import\s*\([^)]*^\s*"C"\s*$/m.test(code))
      facts.cgoFiles.push(path);
    if (/"time\/tzdata"/.test(code)) facts.importsTzdata = true;
    if (/time\.LoadLocation\s*\(|time\.LoadLocationFromTZData/.test(code))
      facts.usesTimeZones = true;
    if (/"crypto\/tls"|https:\/\/|http\.Get\(|http\.Post\(|http\.Client\{|\.Do\(req/.test(code))
      facts.usesTls = true;
    if (
      /os\.TempDir\(|os\.CreateTemp\(|os\.MkdirTemp\(|ioutil\.TempFile\(|ioutil\.TempDir\(|"\/tmp\//.test(
        code,
      )
    )
      facts.usesTempDir = true;
    if (/"os\/user"/.test(code)) facts.usesOsUser = true;
    for (const m of code.matchAll(/\/\/go:embed\s+(.+)/g))
      facts.embedded.push(...m[1].trim().split(/\s+/).map(topLevel));
    for (const m of code.matchAll(/exec\.Command(?:Context)?\s*\(\s*(?:ctx\s*,\s*)?"([^"]+)"/g))
      facts.execPrograms.push(m[1]);
    for (const m of code.matchAll(
      /(?:template\.(?:Must\()?\s*template\.)?(?:ParseGlob|ParseFiles)\s*\(\s*"([^"]+)"/g,
    ))
      runtime.add(topLevel(m[1]));
    for (const m of code.matchAll(
      /http\.Dir\s*\(\s*"([^"]+)"\s*\)|http\.ServeFile\s*\([^,]+,[^,]+,\s*"([^"]+)"/g,
    ))
      runtime.add(topLevel(m[1] ?? m[2]));
    for (const m of code.matchAll(
      /(?:os\.(?:Open|ReadFile|ReadDir)|ioutil\.ReadFile)\s*\(\s*"([^"]+)"/g,
    ))
      runtime.add(topLevel(m[1]));
    for (const m of code.matchAll(/"file:\/\/([^"]+)"/g)) runtime.add(topLevel(m[1]));
    for (const m of code.matchAll(
      /(?:os\.(?:Create|WriteFile|OpenFile)|ioutil\.WriteFile)\s*\(\s*"([^"]+)"/g,
    ))
      written.add(topLevel(m[1]));
    for (const m of code.matchAll(/os\.(?:Mkdir|MkdirAll)\s*\(\s*"([^"]+)"/g))
      dirs.add(topLevel(m[1]));
  }
  const isRelative = (p: string) =>
    p !== '' && p !== '.' && !p.startsWith('/') && !p.startsWith('..');
  facts.runtimeFiles = [...runtime].filter(isRelative).sort();
  facts.writtenFiles = [...written].filter(isRelative).sort();
  facts.writtenDirs = [...dirs].filter(isRelative).sort();
  facts.embedded = [...new Set(facts.embedded)].sort();
  facts.execPrograms = [...new Set(facts.execPrograms)].sort();
  return facts;
}

/** `templates/*.html` -> `templates`; `./static` -> `static`; `config.yaml` -> `config.yaml`. */
function topLevel(p: string): string {
  const clean = p.replace(/^\.\//, '');
  const first = clean.split('/')[0];
  return /[*?[]/.test(first) ? '' : first;
}

export interface GoMod {
  module: string | null;
  go: string | null;
  toolchain: string | null;
  requires: string[];
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { module: null, go: null, toolchain: null, requires: [] };
  const stripped = text.replace(/\/\/.*$/gm, '');
  mod.module = /^\s*module\s+"?([^\s"]+)"?/m.exec(stripped)?.[1] ?? null;
  mod.go = /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(stripped)?.[1] ?? null;
  mod.toolchain = /^\s*toolchain\s+(\S+)/m.exec(stripped)?.[1] ?? null;
  for (const block of stripped.matchAll(/^\s*require\s*\(([\s\S]*?)\)/gm)) {
    for (const line of block[1].split('\n')) {
      const m = /^\s*(\S+)\s+v\S+/.exec(line);
      if (m) mod.requires.push(m[1]);
    }
  }
  for (const m of stripped.matchAll(/^\s*require\s+([^\s(]+)\s+v\S+/gm)) mod.requires.push(m[1]);
  return mod;
}

export function cgoRequirements(mod: GoMod | null): string[] {
  if (!mod) return [];
  const known = new Set(GO_FACTS.cgoModules);
  return mod.requires.filter((r) => known.has(r) || [...known].some((k) => r.startsWith(k + '/')));
}
