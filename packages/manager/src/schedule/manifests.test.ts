import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, settingsFileSchema } from '@ecm/core/domain';
import { DEPLOY_K8S, K8S_MANIFEST_PATH, renderSchedule } from './write-manifests.js';

// The deployment files committed under deploy/ and .env.example, checked against the code and
// configuration they describe so that they cannot drift.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
type Doc = Record<string, any>;

/** Every `bin` of every workspace package: command name → file inside the repository. */
function workspaceBins(): Map<string, string> {
  const bins = new Map<string, string>();
  for (const dir of readdirSync(path.join(root, 'packages'))) {
    const manifest = path.join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
    for (const [name, file] of Object.entries(bin)) bins.set(name, path.posix.join('packages', dir, file));
  }
  return bins;
}

/**
 * The commands the image has: deploy/Dockerfile puts the workspace root's node_modules/.bin on PATH,
 * where pnpm links the bins of the root package's dependencies. Command name → file it runs.
 */
function imageCommands(bins: Map<string, string>): Map<string, string> {
  const dockerfile = read('deploy/Dockerfile');
  const onPath = /ENV[^\n]*(?:\\\n[^\n]*)*PATH=\/app\/node_modules\/\.bin:\$PATH/.test(dockerfile);
  const rootDeps = Object.keys((JSON.parse(read('package.json')) as { dependencies?: Record<string, string> }).dependencies ?? {});
  const commands = new Map<string, string>();
  if (!onPath) return commands;
  for (const dir of readdirSync(path.join(root, 'packages'))) {
    const manifest = path.join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; bin?: Record<string, string> };
    if (!rootDeps.includes(pkg.name)) continue;
    for (const name of Object.keys(pkg.bin ?? {})) commands.set(name, bins.get(name)!);
  }
  return commands;
}

const scheduleCommands = settingsFileSchema.shape.schedule.element.shape.command.options as readonly string[];

describe('deploy/k8s/cronjobs.yaml', () => {
  const committed = read(K8S_MANIFEST_PATH);

  it('is exactly what `ecm-manager schedule --k8s` renders from shared/config/ecm.yaml', () => {
    const expected = renderSchedule(loadConfig().settings, 'k8s');
    expect(committed, 'regenerate it: ecm-manager schedule --k8s > deploy/k8s/cronjobs.yaml').toBe(expected);
  });

  it('parses into one complete CronJob per scheduled job', () => {
    const docs = yaml.loadAll(committed) as Doc[];
    const { schedule } = loadConfig().settings;
    expect(docs).toHaveLength(schedule.length);
    docs.forEach((doc, i) => {
      const job = schedule[i]!;
      expect(doc.apiVersion).toBe('batch/v1');
      expect(doc.kind).toBe('CronJob');
      expect(doc.metadata.namespace).toBe(DEPLOY_K8S.namespace);
      expect(doc.spec).toMatchObject({ schedule: job.cron, timeZone: job.time_zone, concurrencyPolicy: 'Forbid' });
      expect(doc.spec.startingDeadlineSeconds).toBeGreaterThan(0);
      const jobSpec = doc.spec.jobTemplate.spec;
      expect(typeof jobSpec.backoffLimit).toBe('number');
      expect(jobSpec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(jobSpec.template.spec.restartPolicy).toBe('Never');
      const [container] = jobSpec.template.spec.containers;
      expect(container.args).toEqual([job.command]);
      expect(scheduleCommands).toContain(container.args[0]);
      expect(container.envFrom).toEqual([{ secretRef: { name: DEPLOY_K8S.secretName } }]);
    });
  });
});

describe('deploy/k8s/secret.example.yaml', () => {
  const secret = yaml.load(read('deploy/k8s/secret.example.yaml')) as Doc;

  it('is the Secret the CronJobs read, with every value empty', () => {
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: DEPLOY_K8S.secretName, namespace: DEPLOY_K8S.namespace },
    });
    const values = Object.values(secret.stringData as Record<string, unknown>);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value).toBe('');
  });

  it('names only variables that .env.example documents', () => {
    const documented = new Set(envExample().map((v) => v.name));
    for (const key of Object.keys(secret.stringData as object)) expect(documented, key).toContain(key);
  });
});

describe('deploy/docker-compose.yml', () => {
  const compose = yaml.load(read('deploy/docker-compose.yml')) as Doc;
  const services = compose.services as Record<string, Doc>;
  const ours = Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'deploy/Dockerfile');

  it('has the state database, the gateway and the scheduled jobs, built from deploy/Dockerfile', () => {
    expect(Object.keys(services).sort()).toEqual(['ecm-daily', 'ecm-gateway', 'ecm-serve', 'ecm-triage', 'postgres']);
    expect(ours.map(([name]) => name).sort()).toEqual(['ecm-daily', 'ecm-gateway', 'ecm-serve', 'ecm-triage']);
    for (const [, s] of ours) {
      expect(path.resolve(root, 'deploy', s.build.context)).toBe(root);
      expect(path.resolve(root, 'deploy', s.env_file)).toBe(path.join(root, '.env'));
    }
  });

  it('runs commands that exist: a package bin the image installs, and a manager command', () => {
    const bins = workspaceBins();
    const launchers = imageCommands(bins);
    const entrypoint = /ENTRYPOINT \["([\w-]+)"\]/.exec(read('deploy/Dockerfile'))?.[1];
    expect(entrypoint).toBe('ecm-manager');
    for (const [name, s] of ours) {
      const program = (s.entrypoint as string[] | undefined)?.[0] ?? entrypoint!;
      expect(bins.has(program), `${name}: ${program} is no package's bin`).toBe(true);
      expect(launchers.get(program), `${name}: deploy/Dockerfile installs no ${program}`).toBe(bins.get(program));
      expect(existsSync(path.join(root, bins.get(program)!)), `${name}: ${bins.get(program)} is missing`).toBe(true);
    }
    expect(services['ecm-gateway']!.entrypoint).toEqual(['ecm-gateway']);
    expect(services['ecm-daily']!.command).toEqual(['daily']);
    expect(services['ecm-triage']!.command).toEqual(['triage']);
    for (const job of ['ecm-daily', 'ecm-triage']) {
      expect(scheduleCommands).toContain(services[job]!.command[0]);
      expect(services[job]!.profiles, `${job} is a one-off job, not started by up`).toEqual(['jobs']);
    }
  });

  it('serves the gateway over HTTP only with a token, with a read-only root filesystem everywhere', () => {
    const gateway = services['ecm-gateway']!;
    expect(gateway.command).toEqual(expect.arrayContaining(['--http', '--host', '0.0.0.0']));
    expect(read('deploy/docker-compose.yml')).toMatch(/ECM_GATEWAY_TOKEN: \$\{ECM_GATEWAY_TOKEN:\?/);
    for (const [name, s] of ours) {
      expect(s.read_only, name).toBe(true);
      expect(s.tmpfs, name).toContain('/tmp');
      expect(s.cap_drop, name).toEqual(['ALL']);
      expect(
        s.volumes.map((v: string) => v.split(':')[1]),
        name,
      ).toContain(s.environment.ECM_HOME);
    }
  });

  it('points the programs at services that exist', () => {
    const manager = services['ecm-daily']!;
    expect(Object.keys(manager.depends_on).length).toBeGreaterThan(0);
    expect(Object.keys(manager.depends_on).every((dep) => dep in services)).toBe(true);
    const gatewayPort = services['ecm-gateway']!.command[services['ecm-gateway']!.command.indexOf('--port') + 1];
    expect(new URL(manager.environment.ECM_GATEWAY_URL).host).toBe(`ecm-gateway:${gatewayPort}`);
    for (const [, s] of ours) expect(new URL(s.environment.ECM_STATE_URL).hostname).toBe('postgres');
  });
});

interface EnvVar {
  readonly name: string;
  readonly value: string;
  readonly comment: string;
}

/** KEY=value lines of .env.example with the comment lines right above each. */
function envExample(): EnvVar[] {
  const vars: EnvVar[] = [];
  let comment: string[] = [];
  for (const line of read('.env.example').split('\n')) {
    if (line.startsWith('#')) comment.push(line.replace(/^#\s?/, ''));
    else if (/^[A-Z][A-Z0-9_]*=/.test(line)) {
      const [name, ...rest] = line.split('=');
      vars.push({ name: name!, value: rest.join('='), comment: comment.filter((c) => !c.startsWith('---')).join(' ') });
      comment = [];
    } else comment = [];
  }
  return vars;
}

describe('.env.example', () => {
  const REQUIRED = [
    'ECM_HOME',
    'ECM_SHARED_DIR',
    'ECM_WAREHOUSE_URL',
    'ECM_STATE_URL',
    'ECM_TEST_PG_URL',
    'ECM_BENCH_PG_URL',
    'SLACK_BOT_TOKEN',
    'SLACK_CHANNEL_ID',
    'SLACK_API_URL',
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'ECM_GATEWAY_URL',
    'ECM_GATEWAY_TOKEN',
    'ECM_AGENT_EMAIL',
    'ECM_TICKETS',
    'GOOGLE_SHEETS_SPREADSHEET_ID',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_OAUTH_ACCESS_TOKEN',
    'ECM_SHEETS_API_URL',
    'PUSHGATEWAY_URL',
    'NO_COLOR',
    'LOG_LEVEL',
  ];
  const vars = envExample();

  it('lists every variable once, each empty and explained', () => {
    const names = vars.map((v) => v.name);
    for (const name of REQUIRED) expect(names, name).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of vars) {
      expect(v.value, `${v.name} must be empty in the example`).toBe('');
      expect(v.comment.length, `${v.name} needs a comment`).toBeGreaterThan(10);
    }
  });

  it('documents every variable docker compose interpolates', () => {
    const names = new Set(vars.map((v) => v.name));
    for (const m of read('deploy/docker-compose.yml').matchAll(/\$\{(\w+)/g)) expect(names, m[1]).toContain(m[1]);
  });
});
