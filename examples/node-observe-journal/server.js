'use strict';
// Counts visits in a journal that a dependency writes under the working directory: the app's
// own code never names the path, so detection cannot see the write, and a rewrite that keeps
// the app folder read-only except what detection found written (--minimal) breaks the first
// visit. verify --observe sees the folder made and the file written.
const http = require('http');
const journal = require('journal').open('visits');

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/') return res.end(`visits so far: ${journal.count()}\n`);
  if (url.pathname === '/visit') {
    try {
      journal.add(url.searchParams.get('who') || 'someone');
    } catch (e) {
      res.statusCode = 500;
      return res.end(`cannot record the visit: ${e.code}\n`);
    }
    return res.end(`visits: ${journal.count()}\n`);
  }
  res.statusCode = 404;
  res.end('not found\n');
});
server.listen(3041, () => console.log('listening on 3041'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
