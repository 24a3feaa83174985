import { describe, expect, it } from 'vitest';
import { LineCounter } from 'yaml';
import { Report } from './report';
import { parseComposeText } from './source';
import { validateFile } from './validate-schema';

function validate(text: string) {
  const report = new Report();
  const src = { path: '/p/compose.yaml', baseDir: '/p', lines: new LineCounter() };
  const root = parseComposeText(new TextEncoder().encode(text), src, report);
  expect(root).not.toBeNull();
  validateFile(root as NonNullable<typeof root>, report);
  return report.sorted();
}

/** A file that uses (nearly) every key of the current specification, with valid values. */
const KITCHEN_SINK = `
version: "3.9"
name: sink
include:
  - other.yaml
  - path: [a.yaml, b.yaml]
    env_file: .env
    project_directory: sub
services:
  web:
    develop:
      watch:
        - path: ./src
          action: sync+restart
          target: /app/src
          ignore: [node_modules]
        - path: package.json
          action: rebuild
    deploy:
      mode: replicated
      endpoint_mode: vip
      replicas: 2
      labels: {a: b}
      rollback_config: {parallelism: 1, delay: 10s, failure_action: pause, monitor: 1m, max_failure_ratio: 0.1, order: stop-first}
      update_config: {parallelism: "2", order: start-first}
      resources:
        limits: {cpus: "0.5", memory: 512M, pids: 100}
        reservations:
          cpus: 0.25
          memory: 256M
          generic_resources: [{discrete_resource_spec: {kind: gpu, value: 1}}]
          devices: [{capabilities: [gpu], count: all, driver: nvidia, device_ids: ["0"], options: {a: b}}]
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 120s}
      placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.zone}], max_replicas_per_node: 1}
    annotations: [com.example.a=b]
    attach: false
    build:
      context: .
      dockerfile: Dockerfile
      dockerfile_inline: FROM alpine
      entitlements: [network.host]
      args: [A=1]
      ssh: [default]
      labels: {a: b}
      cache_from: [type=local,src=path]
      cache_to: [type=local,dest=path]
      no_cache: true
      additional_contexts: {extra: ./extra}
      network: host
      pull: true
      target: prod
      shm_size: 2g
      extra_hosts: ["somehost=162.242.195.82"]
      isolation: default
      privileged: false
      secrets: [token]
      tags: [example/web:1]
      ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 65535}
      platforms: [linux/amd64]
      x-build-extra: 1
    blkio_config:
      weight: 300
      weight_device: [{path: /dev/sda, weight: 400}]
      device_read_bps: [{path: /dev/sdb, rate: "12mb"}]
      device_write_iops: [{path: /dev/sdb, rate: 30}]
    cap_add: [ALL]
    cap_drop: [NET_ADMIN]
    cgroup: private
    cgroup_parent: m-executor-abcd
    command: ["npm", "start"]
    configs: [my_config, {source: other, target: /etc/other, uid: "103", gid: "103", mode: 0440}]
    container_name: my-web
    cpu_count: 2
    cpu_percent: 50
    cpu_shares: 73
    cpu_quota: 50000
    cpu_period: 100000
    cpu_rt_period: 11000
    cpu_rt_runtime: 10000
    cpus: 1.5
    cpuset: 0-3
    credential_spec: {file: my-credential-spec.json}
    depends_on:
      db: {condition: service_healthy, restart: true, required: false}
    device_cgroup_rules: ["c 1:3 mr"]
    devices: ["/dev/ttyUSB0:/dev/ttyUSB0", {source: /dev/sda, target: /dev/xvda, permissions: rwm}]
    dns: 8.8.8.8
    dns_opt: [use-vc]
    dns_search: [example.com]
    domainname: foo.com
    entrypoint: /code/entrypoint.sh
    env_file: [a.env, {path: b.env, required: false, format: raw}]
    label_file: ./app.labels
    environment: {RACK_ENV: development, SHOW: "true", N: 1, EMPTY:}
    expose: ["3000", 8000]
    external_links: [redis_1]
    extra_hosts: {somehost: "162.242.195.82", other: ["::1", "10.0.0.1"]}
    gpus: all
    group_add: [mail, 42]
    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost"], interval: 1m30s, timeout: 10s, retries: 3, start_period: 40s, start_interval: 5s, disable: false}
    hostname: web
    image: example/web
    init: true
    ipc: shareable
    isolation: default
    labels: [com.example.description=web]
    links: [db:database]
    logging: {driver: syslog, options: {syslog-address: "tcp://192.168.0.42:123", max-size: null, n: 1}}
    mac_address: 02:42:ac:11:65:43
    mem_limit: 1g
    mem_reservation: 512m
    mem_swappiness: 60
    memswap_limit: -1
    network_mode: bridge
    models: {llm: {endpoint_var: AI_URL}}
    networks:
      front:
        aliases: [alias1]
        ipv4_address: 172.16.238.10
        priority: 1000
        gw_priority: 1
        interface_name: eth0
        driver_opts: {a: 1}
        link_local_ips: [57.123.22.11]
        mac_address: 02:42:ac:11:65:43
      back:
    oom_kill_disable: true
    oom_score_adj: 500
    pid: host
    pids_limit: 10
    platform: linux/arm64
    ports: [3000, "8000:8000", {name: web, target: 80, host_ip: 127.0.0.1, published: "8080", protocol: tcp, app_protocol: http, mode: host}]
    post_start: [{command: ./init.sh, user: root, privileged: true, environment: [A=1], working_dir: /app}]
    pre_stop: [{command: ./cleanup.sh}]
    privileged: true
    profiles: [frontend]
    pull_policy: every_12h
    pull_refresh_after: 1h
    read_only: true
    restart: unless-stopped
    runtime: runc
    scale: 1
    security_opt: [label=user:USER]
    shm_size: 64M
    secrets: [server-certificate]
    sysctls: {net.core.somaxconn: 1024}
    stdin_open: true
    stop_grace_period: 1m30s
    stop_signal: SIGUSR1
    storage_opt: {size: 1G}
    tmpfs: /run
    tty: true
    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}
    use_api_socket: true
    user: postgresql
    uts: host
    userns_mode: host
    volumes:
      - type: volume
        source: mydata
        target: /data
        read_only: false
        volume: {nocopy: true, subpath: sub, labels: {a: b}}
      - type: bind
        source: ./static
        target: /opt/app/static
        bind: {propagation: rprivate, create_host_path: true, recursive: enabled, selinux: z}
      - type: tmpfs
        target: /tmp
        tmpfs: {size: 1000, mode: 1777}
      - type: image
        source: alpine
        target: /img
        image: {subpath: etc}
      - "./cache:/cache:ro"
    volumes_from: [service_name]
    working_dir: /code
    x-anything: {deep: [1]}
  db:
    image: postgres
    extends: {service: base, file: common.yaml}
    provider: {type: model, options: {model: ai/smollm2, flags: [a, 1, true]}}
models:
  llm: {model: ai/smollm2, context_size: 1024, runtime_flags: [--verbose], name: small}
networks:
  front: {driver: bridge, driver_opts: {a: 1}, attachable: true, enable_ipv6: true, enable_ipv4: true, internal: false, labels: [a=b], name: front-net,
    ipam: {driver: default, config: [{subnet: 172.28.0.0/16, ip_range: 172.28.5.0/24, gateway: 172.28.5.254, aux_addresses: {host1: 172.28.1.5}}], options: {foo: bar}}}
  back:
  outside: {external: true}
volumes:
  mydata: {driver: local, driver_opts: {type: nfs}, labels: {a: b}, name: data}
  other:
  ext: {external: {name: actual}}
secrets:
  server-certificate: {file: ./server.cert}
  token: {environment: OAUTH_TOKEN}
  ext: {external: true, name: x}
configs:
  my_config: {file: ./my_config.txt}
  other: {content: "hello", template_driver: golang}
x-custom: 1
`;

describe('the Compose Specification schema', () => {
  it('accepts a file using nearly every key of the current specification', () => {
    expect(validate(KITCHEN_SINK).map((d) => `${d.code} ${d.path}: ${d.message}`)).toEqual([]);
  });

  it('reports enums, required keys, duplicates and bad names by path', () => {
    const text = [
      'services:',
      '  web:',
      '    image: x',
      '    cgroup: shared',
      '    depends_on: {db: {restart: true}}',
      '    cap_add: [NET_ADMIN, NET_ADMIN]',
      '    volumes: [{source: a, target: /a}]',
      '    extends: {file: x.yaml}',
      '    pull_policy: sometimes',
      '  "bad name":',
      '    image: y',
      'models:',
      '  m: {name: no-model}',
    ].join('\n');
    expect(validate(text).map((d) => `${d.code} ${d.path} ${d.line}:${d.column}`)).toEqual([
      'schema-value services.web.cgroup 4:13',
      'schema-required services.web.depends_on.db 5:22',
      'schema-duplicate services.web.cap_add[1] 6:26',
      'schema-required services.web.volumes[0] 7:15',
      'schema-required services.web.extends 8:14',
      'schema-value services.web.pull_policy 9:18',
      'schema-name services["bad name"] 10:3',
      'schema-required models.m 13:6',
    ]);
  });

  it('drops invalid values so later steps only see valid types', () => {
    const report = new Report();
    const src = { path: '/p/compose.yaml', baseDir: '/p', lines: new LineCounter() };
    const root = parseComposeText(new TextEncoder().encode('services:\n  web:\n    image: x\n    ports: {a: 1}\n    bogus: 1\n'), src, report);
    const valid = validateFile(root as NonNullable<typeof root>, report);
    const web = valid?.kind === 'map' ? valid.entries.get('services')?.value : undefined;
    expect(web?.kind === 'map' ? [...(web.entries.get('web')?.value as { entries: Map<string, unknown> }).entries.keys()] : []).toEqual(['image']);
  });
});
