import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ecm/core/domain';
import { renderCrontab } from './render-crontab.js';
import { describeUtcEquivalent } from './utc-equivalent.js';
import type { ScheduledJob } from './next-runs.js';

const schedule: ScheduledJob[] = [
  { name: 'daily', command: 'daily', cron: '0 7 * * *', time_zone: 'Asia/Kolkata' },
  { name: 'triage-afternoon', command: 'triage', cron: '0 14 * * *', time_zone: 'Asia/Dubai' },
  { name: 'triage-evening', command: 'triage', cron: '0 20 * * *', time_zone: 'Asia/Dubai' },
];

/** Job lines (five cron fields + command) in order, each with the CRON_TZ in force above it. */
function jobLines(crontab: string): { tz: string | null; fields: string; command: string }[] {
  let tz: string | null = null;
  const out: { tz: string | null; fields: string; command: string }[] = [];
  for (const line of crontab.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const env = /^([A-Z_]+)=(.*)$/.exec(line);
    if (env) {
      if (env[1] === 'CRON_TZ') tz = env[2]!;
      continue;
    }
    const parts = line.split(/\s+/);
    out.push({ tz, fields: parts.slice(0, 5).join(' '), command: parts.slice(5).join(' ') });
  }
  return out;
}

describe('renderCrontab', () => {
  const text = renderCrontab(schedule, { command: '/usr/local/bin/ecm-manager', year: 2026 });

  it('puts every job under its own CRON_TZ with its cron fields and command', () => {
    expect(jobLines(text)).toEqual([
      { tz: 'Asia/Kolkata', fields: '0 7 * * *', command: '/usr/local/bin/ecm-manager daily >> /var/log/ecm/daily.log 2>&1' },
      { tz: 'Asia/Dubai', fields: '0 14 * * *', command: '/usr/local/bin/ecm-manager triage >> /var/log/ecm/triage-afternoon.log 2>&1' },
      { tz: 'Asia/Dubai', fields: '0 20 * * *', command: '/usr/local/bin/ecm-manager triage >> /var/log/ecm/triage-evening.log 2>&1' },
    ]);
  });

  it('states the UTC equivalent of each job', () => {
    expect(text).toContain('# UTC equivalent: 30 1 * * * (Asia/Kolkata is UTC+05:30 all year)');
    expect(text).toContain('# UTC equivalent: 0 10 * * * (Asia/Dubai is UTC+04:00 all year)');
    expect(text).toContain('# UTC equivalent: 0 16 * * * (Asia/Dubai is UTC+04:00 all year)');
  });

  it('resets CRON_TZ at the end so lines added later are not in the last job zone', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe('CRON_TZ=UTC');
  });

  it('sources an env file with exported variables, in valid shell', () => {
    const withEnv = renderCrontab(schedule, { command: 'ecm-manager', envFile: '/etc/ecm/ecm.env', logDir: '/srv/logs/' });
    const [first] = jobLines(withEnv);
    expect(first!.command).toBe('{ set -a; . /etc/ecm/ecm.env; set +a; ecm-manager daily; } >> /srv/logs/daily.log 2>&1');
    for (const { command } of jobLines(withEnv)) {
      const check = spawnSync('sh', ['-n', '-c', command]);
      expect(check.status, check.stderr.toString()).toBe(0);
    }
  });

  it('escapes % (cron would turn it into a newline)', () => {
    const [first] = jobLines(renderCrontab(schedule, { command: 'docker compose run --rm -e X=50% ecm-manager' }));
    expect(first!.command).toContain('X=50\\% ecm-manager daily');
  });

  it('refuses a multi-line command and unsafe paths', () => {
    expect(() => renderCrontab(schedule, { command: 'ecm-manager\nrm -rf /' })).toThrow(/single line/);
    expect(() => renderCrontab(schedule, { command: '' })).toThrow(/non-empty/);
    expect(() => renderCrontab(schedule, { command: 'ecm-manager', logDir: '/var/log/$(id)' })).toThrow(/plain path/);
    expect(() => renderCrontab(schedule, { command: 'ecm-manager', envFile: '/etc/ecm env' })).toThrow(/plain path/);
  });

  it('refuses a cron expression cron would misread', () => {
    expect(() => renderCrontab([{ ...schedule[0]!, cron: '0 7 * * MON' }], { command: 'ecm-manager' })).toThrow(/not a number/);
  });

  it('renders the shipped schedule', () => {
    const { settings } = loadConfig();
    const lines = jobLines(renderCrontab(settings.schedule, { command: 'ecm-manager' }));
    expect(lines.map((l) => [l.tz, l.fields])).toEqual(settings.schedule.map((j) => [j.time_zone, j.cron]));
  });
});

describe('describeUtcEquivalent', () => {
  it('gives both offsets for a zone with daylight saving', () => {
    expect(describeUtcEquivalent('0 7 * * *', 'Europe/London', 2026)).toBe(
      'UTC equivalent changes with daylight saving: 0 7 * * * while Europe/London is UTC+00:00; 0 6 * * * while Europe/London is UTC+01:00',
    );
  });

  it('shifts lists and steps of hours', () => {
    expect(describeUtcEquivalent('*/15 9-17 * * 1-5', 'Asia/Dubai', 2026)).toBe(
      'UTC equivalent: 0,15,30,45 5-13 * * 1-5 (Asia/Dubai is UTC+04:00 all year)',
    );
  });

  it('moves an every-day job across midnight', () => {
    expect(describeUtcEquivalent('0 2 * * *', 'Asia/Kolkata', 2026)).toBe(
      'UTC equivalent: 30 20 * * * (Asia/Kolkata is UTC+05:30 all year)',
    );
  });

  it('says so when one UTC line cannot express it', () => {
    // 02:00 Monday in Dubai is 22:00 Sunday in UTC: the weekday moves.
    expect(describeUtcEquivalent('0 2 * * 1', 'Asia/Dubai', 2026)).toBe(
      'no single UTC cron line is equivalent (Asia/Dubai is UTC+04:00 all year)',
    );
    // 07:00 and 07:45 IST are 01:30 and 02:15 UTC: not hours × minutes.
    expect(describeUtcEquivalent('0,45 7 * * *', 'Asia/Kolkata', 2026)).toMatch(/^no single UTC cron line/);
  });
});
