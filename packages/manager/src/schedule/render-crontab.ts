import type { ScheduledJob } from './next-runs.js';
import { parseCron } from './cron-expression.js';
import { describeUtcEquivalent } from './utc-equivalent.js';

export interface CrontabOptions {
  /** How cron starts the manager, e.g. `/usr/local/bin/ecm-manager` or `docker compose -f … run --rm ecm-manager`. */
  readonly command: string;
  /** Each job appends to `<logDir>/<job name>.log`. */
  readonly logDir?: string;
  /** A KEY=value file sourced before the command (cron starts with an almost empty environment). */
  readonly envFile?: string;
  /** The year whose daylight-saving offsets the UTC comments describe; default the current one. */
  readonly year?: number;
}

export const DEFAULT_LOG_DIR = '/var/log/ecm';

const SAFE_PATH = /^[A-Za-z0-9_./-]+$/;

/** Cron turns an unescaped % into a newline; nothing else in a command line is special to it. */
const escapeCron = (text: string) => text.replace(/%/g, '\\%');

function commandLine(job: ScheduledJob, options: CrontabOptions, logDir: string): string {
  const run = `${options.command} ${job.command}`;
  const log = `${logDir}/${job.name}.log`;
  // set -a exports what the env file defines, so the manager sees it.
  const body = options.envFile ? `{ set -a; . ${options.envFile}; set +a; ${run}; }` : run;
  return escapeCron(`${body} >> ${log} 2>&1`);
}

/**
 * The schedule as crontab text for cronie: each job under its own CRON_TZ line, with its UTC
 * equivalent in a comment for crons that ignore CRON_TZ. No flock: the manager locks itself.
 */
export function renderCrontab(schedule: readonly ScheduledJob[], options: CrontabOptions): string {
  const command = options.command.trim();
  if (!command || /[\r\n]/.test(command)) throw new Error('crontab command must be a non-empty single line');
  const logDir = (options.logDir ?? DEFAULT_LOG_DIR).replace(/\/+$/, '');
  for (const [what, value] of [
    ['log directory', logDir],
    ['env file', options.envFile],
  ] as const) {
    if (value !== undefined && !SAFE_PATH.test(value))
      throw new Error(`crontab ${what} "${value}" must be a plain path (letters, digits, _ . / -)`);
  }
  const year = options.year ?? new Date().getUTCFullYear();
  const lines = [
    '# ECM schedule, generated from shared/config/ecm.yaml (schedule:) by `ecm-manager schedule --crontab`.',
    '# Edit the YAML and regenerate rather than editing these lines.',
    '# CRON_TZ= sets the time zone of the lines below it (cronie). On a cron without CRON_TZ',
    "# (e.g. Debian's cron) use each job's UTC equivalent instead.",
    'SHELL=/bin/sh',
    'PATH=/usr/local/bin:/usr/bin:/bin',
  ];
  for (const job of schedule) {
    parseCron(job.cron); // refuse an expression cron would read differently
    lines.push(
      '',
      `# ${job.name}: ecm-manager ${job.command} at "${job.cron}" ${job.time_zone}`,
      `# ${describeUtcEquivalent(job.cron, job.time_zone, year)}`,
      `CRON_TZ=${job.time_zone}`,
      `${job.cron.trim().split(/\s+/).join(' ')} ${commandLine(job, options, logDir)}`,
    );
  }
  // Lines someone appends later must not silently inherit the last job's zone.
  lines.push('', 'CRON_TZ=UTC', '');
  return lines.join('\n');
}
