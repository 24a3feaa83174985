/**
 * The Compose Specification's file structure, written with zod from the current specification
 * (compose-spec/schema/compose-spec.json: `name`, `include`, `models`, `provider`, `develop`,
 * `use_api_socket`, ... included). No npm package ships the current schema.
 *
 * Every mapping lists its keys; any other key (except `x-*` where the spec allows extensions)
 * is reported by path as unknown. Values accept strings where the spec does, because
 * interpolation happens before validation.
 */
import { z } from 'zod';

/** Marks the custom issue raised for a key the specification does not define. */
export const UNKNOWN_KEY = 'unknown-key';
/** Marks the custom issue raised for a repeated item in a list that must hold unique items. */
export const DUPLICATE_ITEM = 'duplicate-item';

const str = z.string();
const num = z.number();
const int = z.number().int();
const bool = z.boolean();
const nul = z.null();

/** A mapping with exactly these keys, plus `x-*` extensions when `extensions` is true. */
function mapping(shape: Record<string, z.ZodType>, extensions = true) {
  const known = new Set(Object.keys(shape));
  const optional = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()]));
  return z
    .object(optional)
    .catchall(z.unknown())
    .check(
      z.superRefine(
        (value, ctx) => {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
          for (const key of Object.keys(value)) {
            if (known.has(key) || (extensions && key.startsWith('x-'))) continue;
            ctx.addIssue({ code: 'custom', path: [key], message: `Unknown key "${key}".`, params: { kind: UNKNOWN_KEY, known: [...known] } });
          }
        },
        { when: () => true },
      ),
    );
}

/** Like `mapping`, with some keys required. */
function mappingRequired(shape: Record<string, z.ZodType>, required: string[], extensions = true) {
  return mapping(shape, extensions).check(
    z.superRefine((value, ctx) => {
      for (const key of required) {
        if ((value as Record<string, unknown>)[key] === undefined) {
          ctx.addIssue({ code: 'custom', path: [], message: `"${key}" is required here.`, params: { kind: 'required', key } });
        }
      }
    }),
  );
}

/** An array whose items must be unique (the spec's `uniqueItems`). */
function uniqueArray(item: z.ZodType) {
  return z.array(item).check(
    z.superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        const key = JSON.stringify(it);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: 'This item is listed twice.', params: { kind: DUPLICATE_ITEM } });
        seen.add(key);
      });
    }),
  );
}

/** A mapping whose keys match `pattern`, each value checked by `value`. */
function dict(value: z.ZodType, pattern = /^.+$/) {
  return z.record(z.string().regex(pattern), value);
}

const NAME = /^[a-zA-Z0-9._-]+$/;

const listOfStrings = uniqueArray(str);
const stringOrList = z.union([str, listOfStrings]);
const listOrDict = z.union([dict(z.union([str, num, bool, nul])), uniqueArray(str)]);
const command = z.union([nul, str, z.array(str)]);
const extraHosts = z.union([dict(z.union([str, z.array(str)])), uniqueArray(str)]);

const blkioLimit = mapping({ path: str, rate: z.union([int, str]) }, false);
const blkioWeight = mapping({ path: str, weight: z.union([int, str]) }, false);

const serviceConfigOrSecret = z.array(
  z.union([str, mapping({ source: str, target: str, uid: str, gid: str, mode: z.union([num, str]) })]),
);

const ulimits = z.record(
  z.string().regex(/^[a-z]+$/),
  z.union([int, str, mappingRequired({ hard: z.union([int, str]), soft: z.union([int, str]) }, ['soft', 'hard'])]),
);

const serviceHook = mappingRequired(
  { command, user: str, privileged: z.union([bool, str]), working_dir: str, environment: listOrDict },
  ['command'],
);

const envFile = z.union([
  str,
  z.array(z.union([str, mappingRequired({ path: str, format: str, required: z.union([bool, str]) }, ['path'], false)])),
]);

const labelFile = z.union([str, z.array(str)]);

const devices = z.array(
  mappingRequired({ capabilities: listOfStrings, count: z.union([str, int]), device_ids: listOfStrings, driver: str, options: listOrDict }, ['capabilities']),
);

const gpus = z.union([
  z.literal('all'),
  z.array(mapping({ capabilities: listOfStrings, count: z.union([str, int]), device_ids: listOfStrings, driver: str, options: listOrDict }, false)),
]);

const genericResources = z.array(
  mapping({ discrete_resource_spec: mapping({ kind: str, value: z.union([num, str]) }) }),
);

const healthcheck = mapping({
  disable: z.union([bool, str]),
  interval: str,
  retries: z.union([num, str]),
  test: z.union([str, z.array(str)]),
  timeout: str,
  start_period: str,
  start_interval: str,
});

const development = z.union([
  nul,
  mapping({
    watch: z.array(
      mappingRequired(
        {
          ignore: stringOrList,
          include: stringOrList,
          path: str,
          action: z.enum(['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec']),
          target: str,
          exec: serviceHook,
        },
        ['path', 'action'],
      ),
    ),
  }),
]);

const updateConfig = mapping({
  parallelism: z.union([int, str]),
  delay: str,
  failure_action: str,
  monitor: str,
  max_failure_ratio: z.union([num, str]),
  order: z.enum(['start-first', 'stop-first']),
});

const deployment = z.union([
  nul,
  mapping({
    mode: str,
    endpoint_mode: str,
    replicas: z.union([int, str]),
    labels: listOrDict,
    rollback_config: updateConfig,
    update_config: updateConfig,
    resources: mapping({
      limits: mapping({ cpus: z.union([num, str]), memory: str, pids: z.union([int, str]) }),
      reservations: mapping({ cpus: z.union([num, str]), memory: str, generic_resources: genericResources, devices }),
    }),
    restart_policy: mapping({ condition: str, delay: str, max_attempts: z.union([int, str]), window: str }),
    placement: mapping({
      constraints: z.array(str),
      preferences: z.array(mapping({ spread: str })),
      max_replicas_per_node: z.union([int, str]),
    }),
  }),
]);

const build = z.union([
  str,
  mapping({
    context: str,
    dockerfile: str,
    dockerfile_inline: str,
    entitlements: z.array(str),
    args: listOrDict,
    ssh: listOrDict,
    labels: listOrDict,
    cache_from: z.array(str),
    cache_to: z.array(str),
    no_cache: z.union([bool, str]),
    additional_contexts: listOrDict,
    network: str,
    pull: z.union([bool, str]),
    target: str,
    shm_size: z.union([int, str]),
    extra_hosts: extraHosts,
    isolation: str,
    privileged: z.union([bool, str]),
    secrets: serviceConfigOrSecret,
    tags: z.array(str),
    ulimits,
    platforms: z.array(str),
  }),
]);

const port = z.union([
  num,
  str,
  mapping({
    name: str,
    mode: str,
    host_ip: str,
    target: z.union([int, str]),
    published: z.union([str, int]),
    protocol: str,
    app_protocol: str,
  }),
]);

const volumeMount = z.union([
  str,
  mappingRequired(
    {
      type: z.enum(['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image']),
      source: str,
      target: str,
      read_only: z.union([bool, str]),
      consistency: str,
      bind: mapping({
        propagation: str,
        create_host_path: z.union([bool, str]),
        recursive: z.enum(['enabled', 'disabled', 'writable', 'readonly']),
        selinux: z.enum(['z', 'Z']),
      }),
      volume: mapping({ labels: listOrDict, nocopy: z.union([bool, str]), subpath: str }),
      tmpfs: mapping({ size: z.union([z.number().int().min(0), str]), mode: z.union([num, str]) }),
      image: mapping({ subpath: str }),
    },
    ['type'],
  ),
]);

const dependsOn = z.union([
  listOfStrings,
  z.record(
    z.string().regex(NAME),
    mappingRequired(
      {
        restart: z.union([bool, str]),
        required: bool,
        condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']),
      },
      ['condition'],
    ),
  ),
]);

const serviceNetworks = z.union([
  listOfStrings,
  z.record(
    z.string().regex(NAME),
    z.union([
      mapping({
        aliases: listOfStrings,
        interface_name: str,
        ipv4_address: str,
        ipv6_address: str,
        link_local_ips: listOfStrings,
        mac_address: str,
        driver_opts: dict(z.union([str, num])),
        priority: num,
        gw_priority: num,
      }),
      nul,
    ]),
  ),
]);

const serviceModels = z.union([listOfStrings, z.record(z.string().regex(NAME), mapping({ endpoint_var: str, model_var: str }))]);

const provider = mappingRequired(
  {
    type: str,
    options: dict(z.union([str, num, bool, z.array(z.union([str, num, bool]))])),
  },
  ['type'],
);

/** Every key a service may hold, as the specification defines it. */
export const SERVICE_SHAPE = {
  develop: development,
  deploy: deployment,
  annotations: listOrDict,
  attach: z.union([bool, str]),
  build,
  blkio_config: mapping(
    {
      device_read_bps: z.array(blkioLimit),
      device_read_iops: z.array(blkioLimit),
      device_write_bps: z.array(blkioLimit),
      device_write_iops: z.array(blkioLimit),
      weight: z.union([int, str]),
      weight_device: z.array(blkioWeight),
    },
    false,
  ),
  cap_add: uniqueArray(str),
  cap_drop: uniqueArray(str),
  cgroup: z.enum(['host', 'private']),
  cgroup_parent: str,
  command,
  configs: serviceConfigOrSecret,
  container_name: str,
  cpu_count: z.union([str, z.number().int().min(0)]),
  cpu_percent: z.union([str, z.number().int().min(0).max(100)]),
  cpu_shares: z.union([num, str]),
  cpu_quota: z.union([num, str]),
  cpu_period: z.union([num, str]),
  cpu_rt_period: z.union([num, str]),
  cpu_rt_runtime: z.union([num, str]),
  cpus: z.union([num, str]),
  cpuset: str,
  credential_spec: mapping({ config: str, file: str, registry: str }),
  depends_on: dependsOn,
  device_cgroup_rules: listOfStrings,
  devices: z.array(z.union([str, mappingRequired({ source: str, target: str, permissions: str }, ['source'])])),
  dns: stringOrList,
  dns_opt: uniqueArray(str),
  dns_search: stringOrList,
  domainname: str,
  entrypoint: command,
  env_file: envFile,
  label_file: labelFile,
  environment: listOrDict,
  expose: uniqueArray(z.union([str, num])),
  extends: z.union([str, mappingRequired({ service: str, file: str }, ['service'], false)]),
  provider,
  external_links: uniqueArray(str),
  extra_hosts: extraHosts,
  gpus,
  group_add: uniqueArray(z.union([str, num])),
  healthcheck,
  hostname: str,
  image: str,
  init: z.union([bool, str]),
  ipc: str,
  isolation: str,
  labels: listOrDict,
  links: uniqueArray(str),
  logging: mapping({ driver: str, options: dict(z.union([str, num, nul])) }),
  mac_address: str,
  mem_limit: z.union([num, str]),
  mem_reservation: z.union([str, int]),
  mem_swappiness: z.union([int, str]),
  memswap_limit: z.union([num, str]),
  network_mode: str,
  models: serviceModels,
  networks: serviceNetworks,
  oom_kill_disable: z.union([bool, str]),
  oom_score_adj: z.union([str, z.number().int().min(-1000).max(1000)]),
  pid: z.union([str, nul]),
  pids_limit: z.union([num, str]),
  platform: str,
  ports: uniqueArray(port),
  post_start: z.array(serviceHook),
  pre_stop: z.array(serviceHook),
  privileged: z.union([bool, str]),
  profiles: listOfStrings,
  pull_policy: z.string().regex(/always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+/),
  pull_refresh_after: str,
  read_only: z.union([bool, str]),
  restart: str,
  runtime: str,
  scale: z.union([int, str]),
  security_opt: uniqueArray(str),
  shm_size: z.union([num, str]),
  secrets: serviceConfigOrSecret,
  sysctls: listOrDict,
  stdin_open: z.union([bool, str]),
  stop_grace_period: str,
  stop_signal: str,
  storage_opt: z.record(z.string(), z.unknown()),
  tmpfs: stringOrList,
  tty: z.union([bool, str]),
  ulimits,
  use_api_socket: bool,
  user: str,
  uts: str,
  userns_mode: str,
  volumes: uniqueArray(volumeMount),
  volumes_from: uniqueArray(str),
  working_dir: str,
} satisfies Record<string, z.ZodType>;

const service = mapping(SERVICE_SHAPE);

const external = z.union([bool, str, mapping({ name: str })]);

const network = z.union([
  nul,
  mapping({
    name: str,
    driver: str,
    driver_opts: dict(z.union([str, num])),
    ipam: mapping({
      driver: str,
      config: z.array(mapping({ subnet: str, ip_range: str, gateway: str, aux_addresses: dict(str) })),
      options: dict(str),
    }),
    external,
    internal: z.union([bool, str]),
    enable_ipv4: z.union([bool, str]),
    enable_ipv6: z.union([bool, str]),
    attachable: z.union([bool, str]),
    labels: listOrDict,
  }),
]);

const volume = z.union([
  nul,
  mapping({ name: str, driver: str, driver_opts: dict(z.union([str, num])), external, labels: listOrDict }),
]);

const secret = mapping({
  name: str,
  environment: str,
  file: str,
  external: z.union([bool, str, z.object({ name: str.optional() }).catchall(z.unknown())]),
  labels: listOrDict,
  driver: str,
  driver_opts: dict(z.union([str, num])),
  template_driver: str,
});

const config = mapping({
  name: str,
  content: str,
  environment: str,
  file: str,
  external: z.union([bool, str, z.object({ name: str.optional() }).catchall(z.unknown())]),
  labels: listOrDict,
  template_driver: str,
});

const model = mappingRequired({ name: str, model: str, context_size: int, runtime_flags: z.array(str) }, ['model']);

const include = z.union([str, mapping({ path: stringOrList, env_file: stringOrList, project_directory: str }, false)]);

/** Every top-level key of a compose file, as the specification defines it. */
export const TOP_LEVEL_SHAPE = {
  version: str,
  name: str,
  include: z.array(include),
  services: z.record(z.string().regex(NAME), service),
  models: z.record(z.string().regex(NAME), model),
  networks: z.record(z.string().regex(NAME), network),
  volumes: z.record(z.string().regex(NAME), volume),
  secrets: z.record(z.string().regex(NAME), secret),
  configs: z.record(z.string().regex(NAME), config),
} satisfies Record<string, z.ZodType>;

/** The whole compose file. */
export const composeFileSchema = mapping(TOP_LEVEL_SHAPE);

/** Keys of nested mappings a compose file can hold, by path pattern (used to keep the support table complete). */
export const NESTED_SHAPES = {
  'services.*.build': ['context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'ssh', 'labels', 'cache_from', 'cache_to', 'no_cache', 'additional_contexts', 'network', 'pull', 'target', 'shm_size', 'extra_hosts', 'isolation', 'privileged', 'secrets', 'tags', 'ulimits', 'platforms'],
  'services.*.deploy': ['mode', 'endpoint_mode', 'replicas', 'labels', 'rollback_config', 'update_config', 'resources', 'restart_policy', 'placement'],
  'services.*.deploy.resources.limits': ['cpus', 'memory', 'pids'],
  'services.*.deploy.resources.reservations': ['cpus', 'memory', 'generic_resources', 'devices'],
  'services.*.ports[]': ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'],
  'services.*.healthcheck': ['disable', 'interval', 'retries', 'test', 'timeout', 'start_period', 'start_interval'],
  'services.*.depends_on.*': ['restart', 'required', 'condition'],
} as const;
