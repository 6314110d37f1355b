'use strict';
const http = require('http');

const port = Number(process.env.PORT || 3030);
const counts = new Map();

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/count') {
    const key = url.searchParams.get('key') || 'default';
    counts.set(key, (counts.get(key) || 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ key, count: counts.get(key) }));
  }
  res.writeHead(url.pathname === '/' ? 200 : 404, { 'content-type': 'text/plain' });
  return res.end(url.pathname === '/' ? 'counter\n' : 'not found\n');
});

server.listen(port, () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
