// Loaded with `node --import` into a measured process: reports its own peak RSS on stderr at exit.
process.on('exit', () => {
  process.stderr.write(`\n${JSON.stringify({ peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10 })}\n`);
});
