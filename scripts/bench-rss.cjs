// Preloaded by the bench (node --require) to record the peak resident set of the whole process,
// worker threads included, in the file BENCH_RSS_FILE names (in KiB).
const fs = require('fs');

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    fs.writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
