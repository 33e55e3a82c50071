import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IMAGE_ECM_HOME } from '../schedule/render-k8s.js';
import { RESTRICTED_RULES, podTemplateOf, restrictedViolations, type PodTemplate } from './__fixtures__/pod-security.js';

// Every manifest under deploy/k8s: valid against the Kubernetes OpenAPI schemas (kubernetes-models'
// generated validators), free of misspelt fields among the ones we use (strict zod), and every pod
// template within the "restricted" Pod Security Standard plus our own rules (read-only root
// filesystem, no service-account token, requests and limits, deadlines).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const K8S_DIR = path.join(root, 'deploy/k8s');
type Doc = Record<string, any>;

const files = readdirSync(K8S_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const documents = files.flatMap((file) =>
  (yaml.loadAll(readFileSync(path.join(K8S_DIR, file), 'utf8')) as Doc[]).filter(Boolean).map((doc) => ({ file, doc })),
);

/** The real API schemas, by apiVersion/kind. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'batch/v1/CronJob': CronJob,
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'v1/Namespace': Namespace,
};

// The fields we use, strictly: a misspelt key (`readOnlyRootFileSystem`) is accepted by the API's
// schemas and silently ignored by the server, so it is refused here.
const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi)?$/), z.number()]);
const resources = z
  .object({
    requests: z.object({ cpu: quantity, memory: quantity }).strict(),
    limits: z.object({ cpu: quantity, memory: quantity }).strict(),
  })
  .strict();
const containerSecurity = z
  .object({
    allowPrivilegeEscalation: z.literal(false),
    readOnlyRootFilesystem: z.literal(true),
    runAsNonRoot: z.literal(true),
    capabilities: z.object({ drop: z.array(z.string()) }).strict(),
  })
  .strict();
const probe = z
  .object({
    httpGet: z
      .object({
        path: z.string(),
        port: z.union([z.string(), z.number()]),
        httpHeaders: z.array(z.object({ name: z.string(), value: z.string() }).strict()).optional(),
      })
      .strict(),
    initialDelaySeconds: z.number().int().optional(),
    periodSeconds: z.number().int().optional(),
    timeoutSeconds: z.number().int().optional(),
    failureThreshold: z.number().int().optional(),
  })
  .strict();
const container = z
  .object({
    name: z.string(),
    image: z.string(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    envFrom: z.array(z.object({ secretRef: z.object({ name: z.string() }).strict() }).strict()),
    ports: z.array(z.object({ name: z.string(), containerPort: z.number().int(), protocol: z.literal('TCP') }).strict()).optional(),
    readinessProbe: probe.optional(),
    livenessProbe: probe.optional(),
    resources,
    securityContext: containerSecurity,
    volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() }).strict()),
  })
  .strict();
const labels = z.record(z.string(), z.string());
const podTemplate = z
  .object({
    metadata: z.object({ labels }).strict(),
    spec: z
      .object({
        restartPolicy: z.enum(['Never', 'Always']).optional(),
        automountServiceAccountToken: z.literal(false),
        securityContext: z
          .object({
            runAsNonRoot: z.literal(true),
            runAsUser: z.number().int().positive(),
            runAsGroup: z.number().int().positive(),
            fsGroup: z.number().int().positive(),
            seccompProfile: z.object({ type: z.literal('RuntimeDefault') }).strict(),
          })
          .strict(),
        containers: z.array(container).length(1),
        volumes: z.array(z.object({ name: z.string(), emptyDir: z.object({ sizeLimit: quantity }).strict() }).strict()),
      })
      .strict(),
  })
  .strict();
const metadata = z.object({ name: z.string(), namespace: z.literal('ecm'), labels }).strict();
const cronJob = z
  .object({
    apiVersion: z.literal('batch/v1'),
    kind: z.literal('CronJob'),
    metadata,
    spec: z
      .object({
        schedule: z.string(),
        timeZone: z.string(),
        concurrencyPolicy: z.literal('Forbid'),
        startingDeadlineSeconds: z.number().int().positive(),
        successfulJobsHistoryLimit: z.number().int(),
        failedJobsHistoryLimit: z.number().int(),
        jobTemplate: z
          .object({
            metadata: z.object({ labels }).strict(),
            spec: z
              .object({
                backoffLimit: z.number().int().min(0),
                activeDeadlineSeconds: z.number().int().positive(),
                ttlSecondsAfterFinished: z.number().int().positive(),
                template: podTemplate,
              })
              .strict(),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();
const deployment = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata,
    spec: z
      .object({
        replicas: z.number().int().positive(),
        revisionHistoryLimit: z.number().int(),
        selector: z.object({ matchLabels: labels }).strict(),
        template: podTemplate,
      })
      .strict(),
  })
  .strict();

const workloads = documents.filter(({ doc }) => podTemplateOf(doc));

describe('deploy/k8s/*.yaml', () => {
  it('holds the namespace, the CronJobs, the gateway and the Secret example', () => {
    expect(files).toEqual(['cronjobs.yaml', 'gateway.yaml', 'namespace.yaml', 'secret.example.yaml', 'serve.yaml']);
    expect(documents.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`).sort()).toEqual(
      expect.arrayContaining([
        'CronJob/ecm-daily',
        'Deployment/ecm-gateway',
        'Service/ecm-gateway',
        'Deployment/ecm-serve',
        'Service/ecm-serve',
        'Namespace/ecm',
        'Secret/ecm-env',
      ]),
    );
  });

  it.each(documents.map(({ file, doc }) => [`${file}: ${doc.kind}/${doc.metadata?.name}`, doc] as const))(
    '%s is valid against the Kubernetes API schema',
    (_name, doc) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `no schema for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc).validate()).not.toThrow();
    },
  );

  it.each(workloads.map(({ file, doc }) => [`${file}: ${doc.kind}/${doc.metadata.name}`, doc] as const))(
    '%s passes the restricted Pod Security Standard',
    (_name, doc) => {
      expect(restrictedViolations(podTemplateOf(doc)!)).toEqual([]);
    },
  );

  it.each(workloads.map(({ file, doc }) => [`${file}: ${doc.kind}/${doc.metadata.name}`, doc] as const))(
    '%s uses only the fields we mean, read-only root, no token, limits, writable /tmp and ECM_HOME',
    (_name, doc) => {
      const schema = doc.kind === 'CronJob' ? cronJob : deployment;
      const parsed = schema.safeParse(doc);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
      const pod = podTemplateOf(doc)!;
      const [c] = pod.spec.containers as Doc[];
      const mounts = new Map((c!.volumeMounts as Doc[]).map((m) => [m.mountPath, m.name]));
      expect([...mounts.keys()].sort()).toEqual(['/tmp', IMAGE_ECM_HOME].sort());
      const emptyDirs = new Set((pod.spec.volumes as Doc[]).filter((v) => v.emptyDir).map((v) => v.name));
      for (const name of mounts.values()) expect(emptyDirs, name).toContain(name);
      expect(c!.securityContext.capabilities.drop).toEqual(['ALL']);
    },
  );

  it('runs the gateway over HTTP behind its Service, with a token from the Secret', () => {
    const dep = documents.find(({ doc }) => doc.kind === 'Deployment')!.doc;
    const svc = documents.find(({ doc }) => doc.kind === 'Service')!.doc;
    const secret = documents.find(({ doc }) => doc.kind === 'Secret')!.doc;
    const [c] = dep.spec.template.spec.containers as Doc[];
    expect(c!.command).toEqual(['ecm-gateway']);
    expect(c!.args).toEqual(expect.arrayContaining(['--http', '--host', '0.0.0.0']));
    const port = Number(c!.args[c!.args.indexOf('--port') + 1]);
    expect(c!.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
    expect(svc.spec.ports[0].targetPort).toBe('http');
    // The gateway accepts the Service's own names as Host, and the probes send one of them.
    const hosts = (c!.args[c!.args.indexOf('--allowed-hosts') + 1] as string).split(',');
    expect(hosts).toEqual(expect.arrayContaining([svc.metadata.name, `${svc.metadata.name}.${svc.metadata.namespace}.svc`]));
    for (const p of [c!.readinessProbe, c!.livenessProbe]) expect(hosts).toContain(p.httpGet.httpHeaders[0].value);
    expect(c!.envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
    expect(Object.keys(secret.stringData)).toContain('ECM_GATEWAY_TOKEN');
  });

  it('enforces the restricted profile on the namespace itself', () => {
    const ns = documents.find(({ doc }) => doc.kind === 'Namespace')!.doc;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const { doc } of documents) if (doc.kind !== 'Namespace') expect(doc.metadata.namespace, doc.metadata.name).toBe(ns.metadata.name);
  });
});

describe('the restricted Pod Security Standard check', () => {
  const good: PodTemplate = {
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'a', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
  const withPod = (spec: Doc): PodTemplate => ({ spec: { ...good.spec, ...spec } });
  const withContainer = (sc: Doc, extra: Doc = {}): PodTemplate => ({
    spec: {
      ...good.spec,
      containers: [{ ...good.spec.containers[0], ...extra, securityContext: { ...good.spec.containers[0].securityContext, ...sc } }],
    },
  });
  const controlsOf = (pod: PodTemplate) => [...new Set(restrictedViolations(pod).map((v) => v.split(':')[0]))];

  it('passes a minimal compliant pod', () => {
    expect(restrictedViolations(good)).toEqual([]);
  });

  // One offending pod per control: each must be caught by exactly the control it breaks.
  const cases: [string, PodTemplate, string[]][] = [
    ['hostProcess', withContainer({ windowsOptions: { hostProcess: true } }), ['hostProcess']],
    ['hostNamespaces', withPod({ hostNetwork: true, hostPID: true }), ['hostNamespaces']],
    ['privileged', withContainer({ privileged: true }), ['privileged']],
    [
      'capabilities',
      withContainer({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }),
      ['capabilitiesBaseline', 'capabilitiesRestricted'],
    ],
    [
      'capabilities: restricted allows only NET_BIND_SERVICE',
      withContainer({ capabilities: { drop: ['ALL'], add: ['CHOWN'] } }),
      ['capabilitiesRestricted'],
    ],
    ['capabilities: drop ALL', withContainer({ capabilities: { drop: ['NET_RAW'] } }), ['capabilitiesRestricted']],
    ['hostPath volume', withPod({ volumes: [{ name: 'h', hostPath: { path: '/' } }] }), ['hostPathVolumes', 'volumeTypes']],
    ['volume type', withPod({ volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] }), ['volumeTypes']],
    ['hostPort', withContainer({}, { ports: [{ containerPort: 80, hostPort: 80 }] }), ['hostPorts']],
    ['AppArmor field', withContainer({ appArmorProfile: { type: 'Unconfined' } }), ['appArmor']],
    [
      'AppArmor annotation',
      { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } }, spec: good.spec },
      ['appArmor'],
    ],
    ['SELinux type', withPod({ securityContext: { ...good.spec.securityContext, seLinuxOptions: { type: 'spc_t' } } }), ['seLinux']],
    ['SELinux user', withContainer({ seLinuxOptions: { user: 'root' } }), ['seLinux']],
    ['procMount', withContainer({ procMount: 'Unmasked' }), ['procMount']],
    ['seccomp Unconfined', withContainer({ seccompProfile: { type: 'Unconfined' } }), ['seccompBaseline', 'seccompRestricted']],
    ['seccomp unset', withPod({ securityContext: { runAsNonRoot: true } }), ['seccompRestricted']],
    [
      'sysctls',
      withPod({ securityContext: { ...good.spec.securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }),
      ['sysctls'],
    ],
    ['allowPrivilegeEscalation', withContainer({ allowPrivilegeEscalation: undefined }), ['privilegeEscalation']],
    ['runAsNonRoot unset', withPod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), ['runAsNonRoot']],
    ['runAsNonRoot false on a container', withContainer({ runAsNonRoot: false }), ['runAsNonRoot']],
    ['runAsUser 0', withContainer({ runAsUser: 0 }), ['runAsUser']],
  ];

  it.each(cases)('catches %s', (_name, pod, controls) => {
    expect(controlsOf(pod)).toEqual(controls);
  });

  it('has a case for every control', () => {
    const covered = new Set(cases.flatMap(([, , controls]) => controls));
    expect(Object.keys(RESTRICTED_RULES).filter((c) => !covered.has(c))).toEqual([]);
  });

  it('looks into init containers too', () => {
    expect(
      controlsOf({
        spec: {
          ...good.spec,
          initContainers: [
            {
              name: 'i',
              image: 'x',
              securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      }),
    ).toEqual(['privileged']);
  });
});
