'use strict';
// Requires packages that live in /srv/node_modules, above the app folder.
const http = require('http');
const YAML = require('yaml');
const ms = require('ms');

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/') return res.end(YAML.stringify({ up: true, packages: ['yaml', 'ms'] }));
  if (url.pathname === '/duration') return res.end(`${ms(url.searchParams.get('of') || '1h')}\n`);
  res.statusCode = 404;
  res.end('not found\n');
});
server.listen(3043, () => console.log('listening on 3043'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
