import { loadValidConfig } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

export async function scheduleCommand(options: {
  crontab?: boolean;
  k8s?: boolean;
  json?: boolean;
  image?: string;
  namespace?: string;
}): Promise<number> {
  const config = await loadValidConfig();
  const { renderSchedule, lastScheduledSlot } = await import('../schedule/index.js');
  if (options.crontab && options.k8s) throw new CliError('choose one of --crontab and --k8s', EXIT.config);
  if (options.crontab) process.stdout.write(renderSchedule(config.settings, 'crontab'));
  else if (options.k8s) {
    process.stdout.write(
      renderSchedule(config.settings, 'k8s', {
        k8s: { ...(options.image ? { image: options.image } : {}), ...(options.namespace ? { namespace: options.namespace } : {}) },
      }),
    );
  } else {
    const now = new Date();
    const jobs = config.settings.schedule.map((j) => ({ ...j, last_slot: lastScheduledSlot(j, now)?.toISOString() ?? null }));
    if (options.json) process.stdout.write(`${JSON.stringify({ jobs })}\n`);
    else {
      for (const j of jobs) process.stdout.write(`${j.name.padEnd(18)} ecm-manager ${j.command.padEnd(8)} "${j.cron}" ${j.time_zone}\n`);
      process.stdout.write('\nPrint what to install with --crontab or --k8s (config: shared/config/ecm.yaml, schedule).\n');
    }
  }
  return EXIT.ok;
}
