// Started by `pnpm start` through ts-node, which type-checks this file against @types/node (a
// devDependency) when the container starts: a pruned image, or one without pnpm, does not answer.
import http from 'http';

const port: number = Number(process.env.PORT ?? 8093);

http
  .createServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const known = req.url === '/' || req.url === '/health';
    res.statusCode = known ? 200 : 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, typed: true, ok: known }) + '\n');
  })
  .listen(port);

process.on('SIGTERM', () => process.exit(0));
