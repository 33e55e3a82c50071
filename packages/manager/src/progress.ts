/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in cron logs). */
export interface Progress {
  update(done: number, total: number): void;
  done(message?: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      // Quiet for the first second, and at most ten redraws a second.
      if (now - started < 1000 || now - last < 100) return;
      last = now;
      const width = 30;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      stream.write(`\r${label} ${bar} ${Math.round(frac * 100)}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})`);
    },
    done(message) {
      if (last > 0) stream.write('\r\x1b[2K');
      if (message) stream.write(`${message}\n`);
    },
  };
}
