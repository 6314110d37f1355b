import { cgoRequirements, parseGoMod, scanGoSources } from '../../src/analyze/go-sources';

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

  it('finds files opened by relative path, not absolute or embedded ones', () => {
    const s = scanGoSources({
      'a.go': [
        '//go:embed assets/*',
        'template.Must(template.ParseGlob("templates/*.html"))',
        'template.ParseFiles("views/a.tmpl", "views/b.tmpl")',
        'http.FileServer(http.Dir("./static"))',
        'os.ReadFile("config.yaml")',
        'os.Open("/etc/passwd")',
        'migrate.New("file://migrations", dsn)',
        'http.Dir("assets")',
      ].join('\n'),
    });
    expect(s.runtimeFiles).toEqual([
      'assets',
      'config.yaml',
      'migrations',
      'static',
      'templates',
      'views',
    ]);
    expect(s.embedded).toEqual(['assets']);
  });

  it('finds written files and folders, and programs run with exec.Command', () => {
    const s = scanGoSources({
      'a.go':
        'os.MkdirAll("uploads/tmp", 0o755)\nos.WriteFile("state.json", b, 0o644)\nexec.Command("git", "pull")\nexec.CommandContext(ctx, "ffmpeg")',
    });
    expect(s.writtenDirs).toEqual(['uploads']);
    expect(s.writtenFiles).toEqual(['state.json']);
    expect(s.execPrograms).toEqual(['ffmpeg', 'git']);
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
