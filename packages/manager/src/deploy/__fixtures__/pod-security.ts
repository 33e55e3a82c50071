/**
 * The Kubernetes Pod Security Standards, "restricted" profile (which includes "baseline"), as the
 * API server's PodSecurity admission applies them to a pod spec (policy version "latest",
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/). Written out because no
 * validator binary can be installed where CI runs; each rule is one function named after the
 * standard's control, returning what it forbids.
 */

type Obj = Record<string, any>;

export interface PodTemplate {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: Obj;
}

/** Every container of the pod, init and ephemeral ones included, with where it sits. */
function containers(spec: Obj): { where: string; c: Obj }[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    ((spec[field] as Obj[] | undefined) ?? []).map((c, i) => ({ where: `${field}[${i}] ${String(c.name)}`, c })),
  );
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

type Rule = (pod: PodTemplate) => string[];

/** The controls, baseline first, then restricted; keyed by the standard's names. */
export const RESTRICTED_RULES: Readonly<Record<string, Rule>> = {
  // --- baseline ---
  hostProcess: ({ spec }) => [
    ...(spec.securityContext?.windowsOptions?.hostProcess === true ? ['pod: windowsOptions.hostProcess'] : []),
    ...containers(spec).flatMap(({ where, c }) =>
      c.securityContext?.windowsOptions?.hostProcess === true ? [`${where}: windowsOptions.hostProcess`] : [],
    ),
  ],
  hostNamespaces: ({ spec }) => (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => spec[f] === true).map((f) => `pod: ${f}`),
  privileged: ({ spec }) =>
    containers(spec).flatMap(({ where, c }) => (c.securityContext?.privileged === true ? [`${where}: privileged`] : [])),
  capabilitiesBaseline: ({ spec }) =>
    containers(spec).flatMap(({ where, c }) =>
      ((c.securityContext?.capabilities?.add as string[] | undefined) ?? [])
        .filter((cap) => !BASELINE_CAPABILITIES.has(cap))
        .map((cap) => `${where}: adds ${cap}`),
    ),
  hostPathVolumes: ({ spec }) =>
    ((spec.volumes as Obj[] | undefined) ?? []).filter((v) => v.hostPath !== undefined).map((v) => `volume ${String(v.name)}: hostPath`),
  hostPorts: ({ spec }) =>
    containers(spec).flatMap(({ where, c }) =>
      ((c.ports as Obj[] | undefined) ?? [])
        .filter((p) => p.hostPort !== undefined && p.hostPort !== 0)
        .map((p) => `${where}: hostPort ${String(p.hostPort)}`),
    ),
  appArmor: ({ metadata, spec }) => {
    const ok = (type: unknown) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
    return [
      ...(ok(spec.securityContext?.appArmorProfile?.type)
        ? []
        : [`pod: appArmorProfile ${String(spec.securityContext.appArmorProfile.type)}`]),
      ...containers(spec).flatMap(({ where, c }) =>
        ok(c.securityContext?.appArmorProfile?.type) ? [] : [`${where}: appArmorProfile ${String(c.securityContext.appArmorProfile.type)}`],
      ),
      ...Object.entries(metadata?.annotations ?? {})
        .filter(
          ([k, v]) =>
            k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !v.startsWith('localhost/'),
        )
        .map(([k, v]) => `annotation ${k}: ${v}`),
    ];
  },
  seLinux: ({ spec }) => {
    const check = (where: string, o: Obj | undefined) => [
      ...(o?.type !== undefined && !SELINUX_TYPES.has(o.type) ? [`${where}: seLinuxOptions.type ${String(o.type)}`] : []),
      ...(['user', 'role'] as const).filter((f) => o?.[f] !== undefined && o[f] !== '').map((f) => `${where}: seLinuxOptions.${f}`),
    ];
    return [
      ...check('pod', spec.securityContext?.seLinuxOptions),
      ...containers(spec).flatMap(({ where, c }) => check(where, c.securityContext?.seLinuxOptions)),
    ];
  },
  procMount: ({ spec }) =>
    containers(spec).flatMap(({ where, c }) =>
      c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default'
        ? [`${where}: procMount ${String(c.securityContext.procMount)}`]
        : [],
    ),
  seccompBaseline: ({ spec }) => [
    ...(spec.securityContext?.seccompProfile?.type === 'Unconfined' ? ['pod: seccomp Unconfined'] : []),
    ...containers(spec).flatMap(({ where, c }) =>
      c.securityContext?.seccompProfile?.type === 'Unconfined' ? [`${where}: seccomp Unconfined`] : [],
    ),
  ],
  sysctls: ({ spec }) =>
    ((spec.securityContext?.sysctls as Obj[] | undefined) ?? [])
      .filter((s) => !SAFE_SYSCTLS.has(s.name))
      .map((s) => `pod: sysctl ${String(s.name)}`),

  // --- restricted ---
  volumeTypes: ({ spec }) =>
    ((spec.volumes as Obj[] | undefined) ?? []).flatMap((v) => {
      const types = Object.keys(v).filter((k) => k !== 'name');
      return types.length === 1 && RESTRICTED_VOLUME_TYPES.has(types[0]!)
        ? []
        : [`volume ${String(v.name)}: type ${types.join(',') || 'none'}`];
    }),
  privilegeEscalation: ({ spec }) =>
    containers(spec).flatMap(({ where, c }) =>
      c.securityContext?.allowPrivilegeEscalation === false ? [] : [`${where}: allowPrivilegeEscalation is not false`],
    ),
  runAsNonRoot: ({ spec }) => {
    const pod = spec.securityContext?.runAsNonRoot;
    const problems = pod === false ? ['pod: runAsNonRoot false'] : [];
    for (const { where, c } of containers(spec)) {
      const own = c.securityContext?.runAsNonRoot;
      if (own === false) problems.push(`${where}: runAsNonRoot false`);
      else if (own !== true && pod !== true) problems.push(`${where}: runAsNonRoot not set on the pod or the container`);
    }
    return problems;
  },
  runAsUser: ({ spec }) => [
    ...(spec.securityContext?.runAsUser === 0 ? ['pod: runAsUser 0'] : []),
    ...containers(spec).flatMap(({ where, c }) => (c.securityContext?.runAsUser === 0 ? [`${where}: runAsUser 0`] : [])),
  ],
  seccompRestricted: ({ spec }) => {
    const allowed = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    const pod = spec.securityContext?.seccompProfile?.type;
    const problems = pod !== undefined && !allowed(pod) ? [`pod: seccomp ${String(pod)}`] : [];
    for (const { where, c } of containers(spec)) {
      const own = c.securityContext?.seccompProfile?.type;
      if (own !== undefined ? !allowed(own) : !allowed(pod))
        problems.push(`${where}: seccompProfile must be RuntimeDefault or Localhost (pod or container)`);
    }
    return problems;
  },
  capabilitiesRestricted: ({ spec }) =>
    containers(spec).flatMap(({ where, c }) => {
      const caps = c.securityContext?.capabilities ?? {};
      return [
        ...(((caps.drop as string[] | undefined) ?? []).includes('ALL') ? [] : [`${where}: capabilities.drop lacks ALL`]),
        ...((caps.add as string[] | undefined) ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE').map((cap) => `${where}: adds ${cap}`),
      ];
    }),
};

/** Every violation of the restricted profile in one pod template, as `control: detail`. */
export function restrictedViolations(pod: PodTemplate): string[] {
  return Object.entries(RESTRICTED_RULES).flatMap(([control, rule]) => rule(pod).map((detail) => `${control}: ${detail}`));
}

/** The pod template of a workload (CronJob, Job, Deployment, …) or a Pod, or null for other kinds. */
export function podTemplateOf(doc: Obj): PodTemplate | null {
  switch (doc.kind) {
    case 'Pod':
      return { metadata: doc.metadata, spec: doc.spec };
    case 'CronJob':
      return doc.spec.jobTemplate.spec.template;
    case 'Job':
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return doc.spec.template;
    default:
      return null;
  }
}
