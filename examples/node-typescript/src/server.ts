import { createServer, IncomingMessage, ServerResponse } from 'http';
import { convert, Unit } from './units';

const port = Number(process.env.PORT ?? 8080);

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/') return send(res, 200, { service: 'units', units: ['c', 'f', 'k'] });
  if (url.pathname === '/convert') {
    const value = Number(url.searchParams.get('value'));
    const from = url.searchParams.get('from') as Unit;
    const to = url.searchParams.get('to') as Unit;
    const result = convert(value, from, to);
    if (result === null) return send(res, 400, { error: 'unknown unit or value' });
    return send(res, 200, { value, from, to, result });
  }
  return send(res, 404, { error: 'not found' });
}

const server = createServer(handle).listen(port, () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
