// Loaded with `node --import` into a measured process: reports its own peak RSS on stderr at exit.
// On Linux it reads VmHWM, the high-water mark of this program's own memory. getrusage's maxRSS is
// not used there: it keeps the high-water mark from before exec, so a child forked from a big parent
// (the bench right after seeding a warehouse in-process) reported the parent's size, not its own.
import { readFileSync } from 'node:fs';

function peakRssKb() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => {
  process.stderr.write(`\n${JSON.stringify({ peak_rss_mb: Math.round(peakRssKb() / 102.4) / 10 })}\n`);
});
