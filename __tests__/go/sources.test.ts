import { cgoRequirements, isCompiled, parseGoMod, scanGoSources } from '../../src/go/sources';

describe('scanGoSources', () => {
  it('finds import "C" in both import forms', () => {
    expect(
      scanGoSources({ 'a.go': 'package main\n// #include <x.h>\nimport "C"\n' }).cgoFiles,
    ).toEqual(['a.go']);
    expect(
      scanGoSources({ 'b.go': 'package main\nimport (\n\t"fmt"\n\t"C"\n)\n' }).cgoFiles,
    ).toEqual(['b.go']);
    expect(scanGoSources({ 'c.go': 'package main\nimport "fmt" // not "C"\n' }).cgoFiles).toEqual(
      [],
    );
  });

  it('finds source paths the app uses: runtime.Caller folders, and its source opened by path', () => {
    const caller = scanGoSources({
      'config/dir.go':
        'func Dir() string { _, f, _, _ := runtime.Caller(0); return filepath.Dir(f) }',
    });
    expect(caller.sourcePathLibraries).toEqual(['runtime.Caller in config/dir.go']);
    expect(caller.readsOwnSource).toBe(false);
    const viewer = scanGoSources({
      'main.go': 'func h() { log.Print(string(debug.Stack())) }',
      'web/source.go': 'func s(p string) { f, _ := os.Open(p); _ = f }',
    });
    expect(viewer.readsOwnSource).toBe(true);
    expect(viewer.sourcePathLibraries).toEqual(['source paths of main.go, opened by path']);
    // A stack logged, and only literal paths opened: nothing reads the source.
    const logged = scanGoSources({
      'main.go': 'func h() { log.Print(string(debug.Stack())); os.ReadFile("config.yaml") }',
    });
    expect(logged.readsOwnSource).toBe(false);
    expect(logged.sourcePathLibraries).toEqual([]);
  });

  it('reads the files library methods write: a literal path, or a computed one', () => {
    const literal = scanGoSources({
      'report.go': 'func r(pdf *gofpdf.Fpdf) { pdf.OutputFileAndClose("out/report.pdf") }',
    });
    expect(literal.packages[0].writes).toEqual([{ path: 'out/report.pdf', kind: 'file' }]);
    const computed = scanGoSources({
      'invoice.go':
        'func i(pdf *gofpdf.Fpdf) { p := "helper/invoice.pdf"; pdf.OutputFileAndClose(p) }',
    });
    expect(computed.packages[0].computedWrites).toEqual(['OutputFileAndClose(p)']);
    // A call with more arguments than a path is not read as one.
    const writer = scanGoSources({ 'w.go': 'func w() { f.SaveAs(name, opts) }' });
    expect(writer.packages[0].computedWrites).toEqual([]);
  });

  it('ignores test files', () => {
    expect(scanGoSources({ 'a_test.go': 'import "C"\n' }).cgoFiles).toEqual([]);
  });

  it('finds time zone use and the tzdata import', () => {
    const s = scanGoSources({
      'a.go': 'import _ "time/tzdata"\nfunc f() { time.LoadLocation("Asia/Tokyo") }',
    });
    expect(s).toMatchObject({ usesTimeZones: true, importsTzdata: true });
    expect(scanGoSources({ 'a.go': 'time.Now()' }).usesTimeZones).toBe(false);
  });

  it('finds outbound TLS, temp files and os/user', () => {
    expect(scanGoSources({ 'a.go': 'http.Get("https://api.example.com")' }).usesTls).toBe(true);
    expect(scanGoSources({ 'a.go': 'os.CreateTemp("", "x")' }).usesTempDir).toBe(true);
    expect(scanGoSources({ 'a.go': 'import "os/user"' }).usesOsUser).toBe(true);
  });

  it("collects each package's literals, imports and embeds, leaving out imports and struct tags", () => {
    const s = scanGoSources({
      'main.go': [
        'package main',
        'import (',
        '\t"net/http"',
        '\t"example.com/app/web"',
        ')',
        'type C struct { Path string `json:"path" yaml:"path"` }',
        '//go:embed assets/*',
        'var cfg = flag.String("config", "config/app.json", "config file")',
        'func main() { http.ListenAndServe(":80", nil) }',
      ].join('\n'),
      'web/web.go':
        'package web\nimport "html/template"\nvar t = template.Must(template.ParseGlob(`templates/*.html`))\n',
    });
    const main = s.packages.find((p) => p.dir === '.')!;
    expect(main.name).toBe('main');
    expect(main.imports).toEqual(['example.com/app/web', 'net/http']);
    expect(main.literals).toEqual(['config', 'config/app.json', 'config file', ':80']);
    expect(main.embeds).toEqual(['assets/*']);
    expect(main.listenPorts).toEqual([80]);
    expect(s.packages.find((p) => p.dir === 'web')!.literals).toEqual(['templates/*.html']);
  });

  it('finds written files and folders, path flags and env, and programs run with exec.Command', () => {
    const s = scanGoSources({
      'a.go': [
        'package main',
        'os.MkdirAll("uploads/tmp", 0o755)',
        'os.WriteFile("state.json", b, 0o644)',
        'os.OpenFile("logs/app.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)',
        'os.OpenFile("seed.csv", os.O_RDONLY, 0)',
        'db, _ := sql.Open("sqlite3", "file:data/notes.db?cache=shared")',
        'dir := flag.String("static-dir", "", "folder of static files")',
        'port := flag.String("port", "", "port")',
        'p := os.Getenv("TEMPLATE_DIR")',
        'u := os.Getenv("DATABASE_URL")',
        'exec.Command("git", "pull")',
        'exec.CommandContext(ctx, "ffmpeg")',
      ].join('\n'),
    });
    const pkg = s.packages[0];
    expect(pkg.writes).toEqual([
      { path: 'state.json', kind: 'file' },
      { path: 'logs/app.log', kind: 'file' },
      { path: 'uploads/tmp', kind: 'dir' },
      { path: 'file:data/notes.db?cache=shared', kind: 'file' },
    ]);
    expect(pkg.pathFlags).toEqual(['static-dir']);
    expect(pkg.pathEnv).toEqual(['TEMPLATE_DIR']);
    expect(s.execPrograms).toEqual(['ffmpeg', 'git']);
  });

  it('turns viper config names and godotenv.Load() into the files they read', () => {
    const s = scanGoSources({
      'a.go':
        'package main\nfunc init() { viper.SetConfigName("settings"); viper.AddConfigPath("./conf"); godotenv.Load() }',
    });
    expect(s.packages[0].literals).toEqual(
      expect.arrayContaining(['conf/settings.yaml', 'conf/settings.json', '.env']),
    );
  });

  it('stops reading past its file-count bound', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2100; i++) files[`p/f${String(i).padStart(4, '0')}.go`] = 'package p\n';
    const s = scanGoSources(files);
    expect(s.truncated).toBe(true);
    expect(s.fileCount).toBe(2000);
  });
});

describe('go.mod', () => {
  it('reads module, go, toolchain and requirements', () => {
    const mod = parseGoMod(
      'module example.com/x // comment\n\ngo 1.26.1\ntoolchain go1.27.0\n\nrequire (\n\tgithub.com/mattn/go-sqlite3 v1.14.24\n\tmodernc.org/sqlite v1.34.1 // indirect\n)\nrequire github.com/confluentinc/confluent-kafka-go/v2 v2.6.0\n',
    );
    expect(mod).toEqual({
      module: 'example.com/x',
      go: '1.26.1',
      toolchain: 'go1.27.0',
      requires: [
        'github.com/mattn/go-sqlite3',
        'modernc.org/sqlite',
        'github.com/confluentinc/confluent-kafka-go/v2',
      ],
    });
    expect(cgoRequirements(mod)).toEqual([
      'github.com/mattn/go-sqlite3',
      'github.com/confluentinc/confluent-kafka-go/v2',
    ]);
  });

  it('pure-Go SQLite needs no cgo', () => {
    expect(cgoRequirements(parseGoMod('module m\nrequire modernc.org/sqlite v1.0.0\n'))).toEqual(
      [],
    );
  });
});

describe('isCompiled', () => {
  const tags = new Set(['netgo']);
  it.each([
    ['no constraint', 'package main\n', true],
    ['ignore', '//go:build ignore\n\npackage main\n', false],
    ['a magefile', '//go:build mage\n\npackage main\n', false],
    ['a tag the build sets', '//go:build netgo\n\npackage main\n', true],
    ['Windows only', '//go:build windows\n\npackage main\n', false],
    ['not Windows', '//go:build !windows\n\npackage main\n', true],
    ['Linux on some architecture', '//go:build linux && arm64\n\npackage main\n', null],
    ['cgo', '//go:build cgo\n\npackage main\n', null],
    ['either of two', '//go:build (darwin || linux) && go1.21\n\npackage main\n', true],
    ['the old form, ANDed lines', '// +build linux\n// +build ignore\n\npackage main\n', false],
    ['the old form, OR and AND', '// +build darwin linux,!386\n\npackage main\n', null],
    ['the old form, spaces are OR', '// +build darwin linux\n\npackage main\n', true],
    ['a constraint in a comment after package', 'package main\n\n//go:build ignore\n', true],
  ])('%s', (_name, text, expected) => {
    expect(isCompiled(text, tags)).toBe(expected);
  });

  it('leaves files no Linux build compiles out of the scan', () => {
    const facts = scanGoSources({
      'main.go': 'package main\n\nfunc main() {}\n',
      'magefile.go': '//go:build mage\n\npackage main\n\nfunc R() { exec.Command("git") }\n',
      '_examples/old/main.go': 'package main\n\nimport "./lib"\n',
      'testdata/x.go': 'package x\n\nimport "C"\n',
    });
    expect(facts.execPrograms).toEqual([]);
    expect(facts.cgoFiles).toEqual([]);
    expect(facts.packages.map((p) => p.dir)).toEqual(['.']);
  });
});
