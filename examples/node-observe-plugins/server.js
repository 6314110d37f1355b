'use strict';
// Loads its plugins by the names plugins.json gives: the packages are required through a
// value, so the module graph cannot see them, and "ms" is a devDependency, which the rewrite's
// prune of devDependencies removes. verify --observe sees node read node_modules/ms at start.
const http = require('http');
const plugins = require('./plugins.json');

const loaded = {};
for (const [role, name] of Object.entries(plugins)) loaded[role] = require(name);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/') return res.end(`plugins: ${Object.keys(loaded).join(', ')}\n`);
  if (url.pathname === '/duration') {
    const text = url.searchParams.get('of') || '1h';
    return res.end(`${text} is ${loaded.duration(text)} ms\n`);
  }
  res.statusCode = 404;
  res.end('not found\n');
});
server.listen(3042, () => console.log('listening on 3042'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
