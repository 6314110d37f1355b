import {
  binaryLocation,
  defaultExecName,
  parseGoCommands,
  parseGoWords,
} from '../../src/go/commands';
import { roughWords } from '../../src/dockerfile/shell-words';

const parse = (text: string, cwd = '/src') => parseGoWords(roughWords(text), cwd);

// [command, module path, expected binary (or "?" for unknown), checks on the parsed command]
type Row = [string, string | null, string, Partial<ReturnType<typeof parse> & object>?];

const ROWS: Row[] = [
  ['go build', 'example.com/svc', '/src/svc'],
  ['go build .', 'example.com/svc', '/src/svc'],
  ['go build -o app', 'example.com/svc', '/src/app', { output: 'app' }],
  ['go build -o /app/server .', 'example.com/svc', '/app/server'],
  ['go build -o=/bin/x .', 'example.com/svc', '/bin/x'],
  ['go build -o bin/ ./cmd/api', 'example.com/svc', '/src/bin/api'],
  ['go build -o /out/ ./cmd/worker', null, '/out/worker'],
  ['go build ./cmd/server', 'example.com/svc', '/src/server'],
  ['go build main.go', null, '/src/main'],
  ['go build -o srv main.go handlers.go', null, '/src/srv'],
  [
    'go build -v -a -installsuffix cgo -o /go/bin/app .',
    'x/y',
    '/go/bin/app',
    { otherFlags: ['-v', '-a', '-installsuffix=cgo'] },
  ],
  [
    'CGO_ENABLED=0 GOOS=linux go build -o app .',
    'x/y',
    '/src/app',
    { env: { CGO_ENABLED: '0', GOOS: 'linux' } },
  ],
  ['env CGO_ENABLED=0 go build -o app', 'x/y', '/src/app', { env: { CGO_ENABLED: '0' } }],
  [
    'go build -ldflags "-s -w -X main.v=1" -o app',
    'x/y',
    '/src/app',
    { ldflags: '-s -w -X main.v=1' },
  ],
  ["go build -ldflags='-X main.v=1' -o app", 'x/y', '/src/app', { ldflags: '-X main.v=1' }],
  ['go build -trimpath -o app', 'x/y', '/src/app', { trimpath: true }],
  ['go build -tags netgo,osusergo -o app', 'x/y', '/src/app', { tags: ['netgo', 'osusergo'] }],
  ['go build -tags "netgo osusergo" -o app', 'x/y', '/src/app', { tags: ['netgo', 'osusergo'] }],
  ['go build -race -o app', 'x/y', '/src/app', { cgoFlags: ['-race'] }],
  ['go build -buildmode=pie -o app', 'x/y', '/src/app', { buildmode: 'pie' }],
  ['go build -mod=vendor -o app', 'x/y', '/src/app', { otherFlags: ['-mod=vendor'] }],
  ['go build -o app example.com/tool/cmd/tool', 'x/y', '/src/app'],
  ['go build ./...', 'x/y', '?'],
  ['go build ./cmd/a ./cmd/b', 'x/y', '?'],
  ['go build -o $OUT .', 'x/y', '?'],
  ['go install', 'example.com/svc/v2', '/go/bin/svc'],
  ['go install ./cmd/worker', 'x/y', '/go/bin/worker'],
  ['go install -v .', 'github.com/acme/api', '/go/bin/api'],
  ['go install github.com/acme/tool@latest', null, '/go/bin/tool'],
  ['GOBIN=/usr/local/bin go install ./cmd/x', 'x/y', '/usr/local/bin/x'],
  ['go install ./...', 'x/y', '?'],
  ['/usr/local/go/bin/go build -o app', 'x/y', '/src/app'],
];

describe('go build parsing', () => {
  it.each(ROWS.map(([t, m, b, c]) => [t, m, b, c ?? {}] as const))(
    '%s',
    (text, mod, binary, checks) => {
      const cmd = parse(text);
      expect(cmd).not.toBeNull();
      expect(cmd).toMatchObject(checks);
      const loc = binaryLocation(cmd!, mod, '/go');
      if (binary === '?') expect(loc.unknown).toBeDefined();
      else expect(loc).toEqual({ path: binary });
    },
  );

  it('follows cd inside a RUN', () => {
    const [cmd] = parseGoCommands(['cd cmd/server', 'go build -o ../../bin/server'], '/src');
    expect(binaryLocation(cmd, 'x/y', '/go').path).toBe('/src/bin/server');
  });

  it('reads go run arguments after the package', () => {
    expect(parse('go run . -port 8080')).toMatchObject({
      subcommand: 'run',
      packages: ['.'],
      programArgs: ['-port', '8080'],
    });
  });

  it('is not a go command', () => {
    expect(parse('gofmt -l .')).toBeNull();
    expect(parse('echo go build')).toBeNull();
  });

  it.each([
    ['example.com/svc', 'svc'],
    ['example.com/svc/v2', 'svc'],
    ['github.com/acme/tool/cmd/tool', 'tool'],
    ['v2', 'v2'],
  ])('defaultExecName(%s)', (path, name) => expect(defaultExecName(path)).toBe(name));
});
