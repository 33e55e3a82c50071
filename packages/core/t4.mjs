const { PGlite } = await import('@electric-sql/pglite');
const mode = process.argv[2];
const t0 = performance.now();
if (mode === 'seq') {
  const a = new PGlite('/tmp/fh1/state/pgdata'); await a.waitReady; const t1 = performance.now();
  const b = new PGlite('/tmp/fh1/warehouse/pgdata'); await b.waitReady;
  console.log(mode, Math.round(t1 - t0), Math.round(performance.now() - t1));
} else {
  const a = new PGlite('/tmp/fh1/state/pgdata'); const b = new PGlite('/tmp/fh1/warehouse/pgdata');
  await Promise.all([a.waitReady, b.waitReady]);
  console.log(mode, Math.round(performance.now() - t0));
}
console.log('rss', Math.round(process.resourceUsage().maxRSS/1024));
