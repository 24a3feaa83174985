/**
 * How Berth treats every key a compose file can hold: the one table the loader applies, the UI
 * shows and docs/compatibility.md prints. Plain data, so the renderer can import it.
 *
 * - mapped: deployed; `note` says what it becomes in AWS.
 * - warned: accepted but not deployed as it runs locally; `note` says why (a warning is shown).
 * - rejected: blocks a deploy; `note` says why and `fix` what to do instead.
 * `when` narrows a rule to some values (the loader implements each `when` by its id).
 */

export type SupportStatus = 'mapped' | 'warned' | 'rejected';

export interface KeySupport {
  /** Key path pattern: `services.*.ports[].mode`; `*` stands for any name, `[]` for any list item. */
  key: string;
  status: SupportStatus;
  /** mapped: what it becomes; warned/rejected: the reason. */
  note: string;
  /** What the user can do (warned and rejected keys). */
  fix?: string;
  /** Only these values trigger the status (other values are mapped or harmless); described in words. */
  when?: string;
}

const S = 'services.*';

/** Every key of the Compose Specification (and Defang's extensions), classified. */
export const COMPOSE_KEY_SUPPORT: readonly KeySupport[] = [
  // Top level
  { key: 'version', status: 'warned', note: 'Obsolete in the Compose Specification; ignored.', fix: 'Remove the version line.' },
  { key: 'name', status: 'mapped', note: 'Project name: stack `berth-<name>`, DNS namespace `<name>.internal`, config prefix `/Berth/<name>/`.' },
  { key: 'include', status: 'mapped', note: 'Included projects are loaded (paths relative to the included file, its env_file or .env for interpolation) and their services added.' },
  { key: 'services', status: 'mapped', note: 'One ECS service on Fargate per compose service (or RDS / ElastiCache for managed stores).' },
  { key: 'models', status: 'mapped', note: 'Each model becomes Berth’s OpenAI-compatible gateway to Amazon Bedrock, a service of its name on port 80 (`/v1` and `/api/v1`); the model name maps to a Bedrock model (docs/models.md). `context_size` and `runtime_flags` are not used.' },
  { key: 'networks', status: 'warned', note: 'All services share the project’s private network; separate networks are not reproduced.', fix: 'Remove custom networks, or accept that every service can reach every other.' },
  { key: 'volumes', status: 'mapped', note: 'Named volumes → one encrypted Amazon EFS file system per project, an access point per volume: data survives task replacement. Only the `local` driver maps; `driver_opts` and `external` are refused.' },
  { key: 'secrets', status: 'mapped', note: '`file:` secrets are read at deploy time into their own SSM SecureString; `environment:` secrets are config values set in Berth’s Secrets. `external:` secrets are refused (Berth cannot read them).' },
  { key: 'configs', status: 'rejected', note: 'Compose configs (files mounted into containers) are not deployed.', fix: 'Copy the file into the image in the Dockerfile, or pass the value through environment.' },
  { key: 'x-*', status: 'mapped', note: 'Extension fields: read for YAML anchors and merge keys; nothing is deployed from them.' },

  // Services
  { key: `${S}.image`, status: 'mapped', note: 'Container image of the task definition (pulled through the ECR pull-through cache for ECR Public).' },
  { key: `${S}.build`, status: 'mapped', note: 'Built in your account by BuildKit on AWS CodeBuild (`docker buildx build`, as `docker build` builds it; Railpack when the context has no Dockerfile) from the uploaded context, pushed to ECR `berth/<project>` with a registry layer cache.' },
  { key: `${S}.ports`, status: 'mapped', note: '`mode: ingress` → public: HTTP through the Application Load Balancer, UDP and raw TCP (databases, DNS, MQTT, game servers) through the Network Load Balancer; `mode: host` → private, reachable by the project’s services.' },
  { key: `${S}.environment`, status: 'mapped', note: 'Task environment; names without a value (and unset `${NAME}`) come from Berth’s Secrets (SSM SecureString).' },
  { key: `${S}.env_file`, status: 'mapped', note: 'Read at load time; its variables become task environment (below `environment`).' },
  { key: `${S}.command`, status: 'mapped', note: 'Container `command`.' },
  { key: `${S}.entrypoint`, status: 'mapped', note: 'Container `entryPoint`.' },
  { key: `${S}.healthcheck`, status: 'mapped', note: 'Container health check; its HTTP path (from a curl/wget test) becomes the target group health check.' },
  { key: `${S}.deploy`, status: 'mapped', note: 'Replicas and resources (Fargate size); see the deploy keys below.' },
  { key: `${S}.depends_on`, status: 'mapped', note: 'Creation order of the ECS services.' },
  { key: `${S}.domainname`, status: 'mapped', note: 'HTTPS listener with an ACM certificate for this domain.' },
  { key: `${S}.stop_grace_period`, status: 'mapped', note: 'Container `stopTimeout` (Fargate allows up to 120 s).' },
  { key: `${S}.user`, status: 'mapped', note: 'Container `user`.' },
  { key: `${S}.working_dir`, status: 'mapped', note: 'Container `workingDirectory`.' },
  { key: `${S}.init`, status: 'mapped', note: 'Container `initProcessEnabled`.' },
  { key: `${S}.read_only`, status: 'mapped', note: 'Container `readonlyRootFilesystem`.' },
  { key: `${S}.platform`, status: 'mapped', note: 'Task CPU architecture (linux/amd64 or linux/arm64).' },
  { key: `${S}.profiles`, status: 'mapped', note: 'Services in an inactive profile are left out of the deployment.' },
  { key: `${S}.extends`, status: 'mapped', note: 'Resolved when the project loads (same file and `file:`).' },
  { key: `${S}.scale`, status: 'mapped', note: 'ECS desired count (like deploy.replicas).' },
  { key: `${S}.cpus`, status: 'mapped', note: 'Fargate CPU size when deploy.resources does not set cpus.' },
  { key: `${S}.mem_limit`, status: 'mapped', note: 'Fargate memory size when deploy.resources does not set memory.' },
  { key: `${S}.mem_reservation`, status: 'mapped', note: 'Fargate memory size when deploy.resources does not set memory.' },
  { key: `${S}.expose`, status: 'mapped', note: 'Nothing to do: every port is open between the project’s own services.' },
  {
    key: `${S}.restart`,
    status: 'warned',
    note: 'ECS keeps every service running: a task that exits is started again. A migration or seed step (or a service another waits for with `service_completed_successfully`) runs once instead, before the services that depend on it.',
    fix: 'Remove `restart`, or make the step recognisable: a command such as `migrate` or `db:prepare`, or `condition: service_completed_successfully` on the services that wait for it.',
    // Whether a service runs once depends on the whole project: the one-off reading reports it.
    when: 'not-a-one-off',
  },
  { key: `${S}.volumes`, status: 'warned', note: 'Named volumes are mounted from EFS; bind mounts of your files (`./src:/app`) are not: Fargate tasks have no access to your computer.', fix: 'Copy those files into the image (COPY in the Dockerfile); keep named volumes for data.', when: 'has-bind-mount' },
  { key: `${S}.networks`, status: 'warned', note: 'All services share the project’s private network.', fix: 'Remove it, or accept that every service can reach every other.', when: 'non-default-network' },
  { key: `${S}.links`, status: 'warned', note: 'Not needed: services reach each other by name, as on the compose network (the project’s network looks bare names up in `<project>.internal`).', fix: 'Remove `links`.' },
  { key: `${S}.container_name`, status: 'warned', note: 'ECS names containers itself; reach the service by its service name.', fix: 'Remove `container_name`.' },
  { key: `${S}.hostname`, status: 'warned', note: 'The service is reachable as `<service>.<project>.internal`; a custom hostname is not set.', fix: 'Remove `hostname`.' },
  { key: `${S}.labels`, status: 'warned', note: 'Docker labels are not applied to Fargate tasks.', fix: 'Remove `labels`, or ignore this warning.' },
  { key: `${S}.annotations`, status: 'warned', note: 'Annotations are not applied to Fargate tasks.', fix: 'Remove `annotations`.' },
  { key: `${S}.logging`, status: 'warned', note: 'Logs always go to CloudWatch Logs (`/berth/<project>`), whatever the driver.', fix: 'Remove `logging`.' },
  { key: `${S}.attach`, status: 'warned', note: 'Logs are always collected.', fix: 'Remove `attach`.' },
  { key: `${S}.develop`, status: 'warned', note: 'Used by `docker compose watch` only.', fix: 'Ignore this warning, or remove `develop`.' },
  { key: `${S}.pull_policy`, status: 'warned', note: 'ECS pulls the image at each task start.', fix: 'Remove `pull_policy`.' },
  { key: `${S}.pull_refresh_after`, status: 'warned', note: 'ECS pulls the image at each task start.', fix: 'Remove `pull_refresh_after`.' },
  { key: `${S}.stop_signal`, status: 'warned', note: 'ECS stops containers with SIGTERM; set STOPSIGNAL in the Dockerfile instead.', fix: 'Move the signal to the Dockerfile (`STOPSIGNAL`).' },
  { key: `${S}.stdin_open`, status: 'warned', note: 'No interactive input on Fargate.', fix: 'Remove `stdin_open`.' },
  { key: `${S}.tty`, status: 'warned', note: 'No terminal is attached on Fargate.', fix: 'Remove `tty`.' },
  { key: `${S}.ulimits`, status: 'warned', note: 'Not applied by Berth yet (Fargate defaults apply).', fix: 'Remove `ulimits`, or check the defaults suit you.' },
  { key: `${S}.extra_hosts`, status: 'warned', note: 'Fargate (awsvpc networking) does not support extra /etc/hosts entries.', fix: 'Use DNS names, or services’ names.' },
  { key: `${S}.dns`, status: 'warned', note: 'Fargate tasks use the VPC resolver.', fix: 'Remove `dns`.' },
  { key: `${S}.dns_opt`, status: 'warned', note: 'Fargate tasks use the VPC resolver.', fix: 'Remove `dns_opt`.' },
  { key: `${S}.dns_search`, status: 'warned', note: 'Fargate tasks use the VPC resolver.', fix: 'Remove `dns_search`.' },
  { key: `${S}.mac_address`, status: 'warned', note: 'Fargate assigns network interfaces itself.', fix: 'Remove `mac_address`.' },
  { key: `${S}.group_add`, status: 'warned', note: 'Supplementary groups are not set on Fargate.', fix: 'Add the user to the groups in the Dockerfile.' },
  { key: `${S}.label_file`, status: 'warned', note: 'Docker labels are not applied to Fargate tasks.', fix: 'Remove `label_file`.' },
  { key: `${S}.tmpfs`, status: 'warned', note: 'Fargate does not mount tmpfs; the container’s writable layer is used.', fix: 'Remove `tmpfs`.' },
  { key: `${S}.shm_size`, status: 'warned', note: 'Fargate does not set the /dev/shm size.', fix: 'Remove `shm_size`.' },
  { key: `${S}.cpu_count`, status: 'warned', note: 'Fargate sizes whole tasks; use deploy.resources.', fix: 'Use deploy.resources.reservations.cpus.' },
  { key: `${S}.cpu_percent`, status: 'warned', note: 'Fargate sizes whole tasks; use deploy.resources.', fix: 'Use deploy.resources.reservations.cpus.' },
  { key: `${S}.cpu_shares`, status: 'warned', note: 'Fargate sizes whole tasks; use deploy.resources.', fix: 'Use deploy.resources.reservations.cpus.' },
  { key: `${S}.cpu_quota`, status: 'warned', note: 'Fargate sizes whole tasks; use deploy.resources.', fix: 'Use deploy.resources.reservations.cpus.' },
  { key: `${S}.cpu_period`, status: 'warned', note: 'Fargate sizes whole tasks; use deploy.resources.', fix: 'Use deploy.resources.reservations.cpus.' },
  { key: `${S}.cpu_rt_period`, status: 'warned', note: 'Real-time scheduling is not available on Fargate.', fix: 'Remove `cpu_rt_period`.' },
  { key: `${S}.cpu_rt_runtime`, status: 'warned', note: 'Real-time scheduling is not available on Fargate.', fix: 'Remove `cpu_rt_runtime`.' },
  { key: `${S}.cpuset`, status: 'warned', note: 'CPU pinning is not available on Fargate.', fix: 'Remove `cpuset`.' },
  { key: `${S}.mem_swappiness`, status: 'warned', note: 'Fargate has no swap.', fix: 'Remove `mem_swappiness`.' },
  { key: `${S}.memswap_limit`, status: 'warned', note: 'Fargate has no swap.', fix: 'Remove `memswap_limit`.' },
  { key: `${S}.oom_kill_disable`, status: 'warned', note: 'Not configurable on Fargate.', fix: 'Remove `oom_kill_disable`.' },
  { key: `${S}.oom_score_adj`, status: 'warned', note: 'Not configurable on Fargate.', fix: 'Remove `oom_score_adj`.' },
  { key: `${S}.pids_limit`, status: 'warned', note: 'Not configurable on Fargate.', fix: 'Remove `pids_limit`.' },
  { key: `${S}.blkio_config`, status: 'warned', note: 'Block I/O limits are not configurable on Fargate.', fix: 'Remove `blkio_config`.' },
  { key: `${S}.storage_opt`, status: 'warned', note: 'Storage driver options are not configurable on Fargate.', fix: 'Remove `storage_opt`.' },
  { key: `${S}.post_start`, status: 'warned', note: 'Lifecycle hooks are not run on Fargate.', fix: 'Run the command from the container’s entrypoint script.' },
  { key: `${S}.pre_stop`, status: 'warned', note: 'Lifecycle hooks are not run on Fargate.', fix: 'Handle SIGTERM in the application.' },
  { key: `${S}.models`, status: 'mapped', note: 'The service waits for each model’s gateway and gets `<MODEL>_URL` and `<MODEL>_MODEL` (or the `endpoint_var` and `model_var` it names) and `OPENAI_API_KEY`, unless it sets them.' },
  { key: `${S}.provider`, status: 'mapped', note: '`type: model`: Berth’s OpenAI-compatible gateway to Amazon Bedrock at the service’s name, port 80 (`/v1` and `/api/v1`), serving `options.model` mapped to a Bedrock model (docs/models.md); services that depend on it get `<NAME>_URL`, `<NAME>_MODEL` and `OPENAI_API_KEY` unless they set them. Other provider types are refused.' },
  { key: `${S}.privileged`, status: 'rejected', note: 'Fargate does not run privileged containers.', fix: 'Remove `privileged` and the need for it.', when: 'true' },
  { key: `${S}.network_mode`, status: 'rejected', note: 'Fargate tasks always use awsvpc networking; host, none and shared network namespaces do not exist there.', fix: 'Remove `network_mode`.', when: 'not-bridge' },
  { key: `${S}.devices`, status: 'rejected', note: 'Fargate gives containers no host devices.', fix: 'Remove `devices`.' },
  { key: `${S}.gpus`, status: 'mapped', note: 'NVIDIA GPUs: the service runs on ECS GPU instances (EC2, from the ECS GPU-optimised AMI) in the project’s network, after a check of the account’s GPU quota.' },
  { key: `${S}.cap_add`, status: 'rejected', note: 'Fargate only allows adding SYS_PTRACE.', fix: 'Remove the other capabilities.', when: 'not-only-sys-ptrace' },
  { key: `${S}.cap_drop`, status: 'mapped', note: 'Container `linuxParameters.capabilities.drop`.' },
  { key: `${S}.cgroup`, status: 'rejected', note: 'Fargate does not expose cgroup namespaces.', fix: 'Remove `cgroup`.' },
  { key: `${S}.cgroup_parent`, status: 'rejected', note: 'Fargate does not expose cgroups.', fix: 'Remove `cgroup_parent`.' },
  { key: `${S}.device_cgroup_rules`, status: 'rejected', note: 'Fargate gives containers no host devices.', fix: 'Remove `device_cgroup_rules`.' },
  { key: `${S}.pid`, status: 'rejected', note: 'Fargate tasks cannot share the host’s or another service’s process namespace.', fix: 'Remove `pid`.' },
  { key: `${S}.ipc`, status: 'rejected', note: 'Fargate tasks cannot share IPC namespaces.', fix: 'Remove `ipc`.' },
  { key: `${S}.uts`, status: 'rejected', note: 'Fargate tasks cannot share the host’s UTS namespace.', fix: 'Remove `uts`.' },
  { key: `${S}.userns_mode`, status: 'rejected', note: 'Fargate does not support user namespace modes.', fix: 'Remove `userns_mode`.' },
  { key: `${S}.runtime`, status: 'rejected', note: 'Fargate chooses the container runtime.', fix: 'Remove `runtime`.' },
  { key: `${S}.isolation`, status: 'rejected', note: 'Isolation modes are for Windows containers.', fix: 'Remove `isolation`.' },
  { key: `${S}.credential_spec`, status: 'rejected', note: 'Windows credential specs are not supported.', fix: 'Remove `credential_spec`.' },
  { key: `${S}.security_opt`, status: 'rejected', note: 'Fargate does not accept security options (seccomp, apparmor, labels).', fix: 'Remove `security_opt`.' },
  { key: `${S}.sysctls`, status: 'rejected', note: 'Berth does not set kernel parameters on Fargate.', fix: 'Remove `sysctls`.' },
  { key: `${S}.volumes_from`, status: 'rejected', note: 'Services cannot share volumes on Fargate.', fix: 'Copy the files into each image, or use S3.' },
  { key: `${S}.external_links`, status: 'rejected', note: 'Containers outside the project do not exist in your AWS account.', fix: 'Deploy the other container as a service of this project.' },
  { key: `${S}.secrets`, status: 'mapped', note: 'Files in /run/secrets, as compose mounts them: a short-lived container of the task writes them from SSM into a volume the service reads, before the service starts.' },
  { key: `${S}.configs`, status: 'rejected', note: 'Compose configs (files mounted into containers) are not deployed.', fix: 'Copy the file into the image in the Dockerfile.' },
  { key: `${S}.use_api_socket`, status: 'rejected', note: 'There is no Docker daemon socket on Fargate.', fix: 'Remove `use_api_socket`.' },
  { key: `${S}.x-defang-postgres`, status: 'mapped', note: 'Amazon RDS for PostgreSQL (version from the image tag, password from the POSTGRES_PASSWORD config, snapshot on delete).' },
  { key: `${S}.x-defang-redis`, status: 'mapped', note: 'Amazon ElastiCache (version from the image tag).' },
  { key: `${S}.x-defang-policies`, status: 'mapped', note: 'Managed IAM policies (`arn:aws:iam::aws:policy/…` or `arn:aws:iam::<account>:policy/…`) attached to the service’s own task role, which has no permissions without them.' },
  { key: `${S}.x-defang-llm`, status: 'mapped', note: 'Amazon Bedrock access: the task role may invoke the models the service names (a `*_MODEL` variable, mapped by docs/models.md), by ARN, and the task gets AWS_REGION. Defang’s gateway image (`defangio/openai-access-gateway`) is replaced by Berth’s, with the same API. `false` turns it off.' },
  { key: `${S}.x-defang-mongodb`, status: 'warned', note: 'Managed MongoDB is not supported yet; the service runs as a plain container without persistent storage.', fix: 'Use a hosted MongoDB and pass its URL as a config value.' },
  { key: `${S}.x-defang-static-files`, status: 'warned', note: 'Static hosting is not supported yet; the service runs as a container that serves the files.', fix: 'Make sure the image serves the files itself.' },
  { key: `${S}.x-*`, status: 'mapped', note: 'Other extension fields are ignored.' },

  // Build
  { key: `${S}.build.context`, status: 'mapped', note: 'Packaged as a deterministic tar.gz (honouring .dockerignore) and uploaded to the bootstrap bucket.' },
  { key: `${S}.build.dockerfile`, status: 'mapped', note: 'BuildKit `-f`: the Dockerfile inside the context (cache, secret and bind mounts, heredocs and `# syntax=` frontends work as locally).' },
  { key: `${S}.build.args`, status: 'mapped', note: 'BuildKit `--build-arg`.' },
  { key: `${S}.build.target`, status: 'mapped', note: 'BuildKit `--target`.' },
  { key: `${S}.build.platforms`, status: 'warned', note: 'One image is built, for the service’s platform.', fix: 'Set the service’s `platform` instead.' },
  { key: `${S}.build.dockerfile_inline`, status: 'rejected', note: 'Inline Dockerfiles are not packaged.', fix: 'Write the Dockerfile into the build context.' },
  { key: `${S}.build.entitlements`, status: 'rejected', note: 'BuildKit’s extra entitlements (network.host, security.insecure) are not granted to builds in CodeBuild.', fix: 'Remove `entitlements`.' },
  { key: `${S}.build.ssh`, status: 'rejected', note: 'Builds in your account have no access to your SSH agent.', fix: 'Fetch private dependencies before building, or vendor them into the context.' },
  { key: `${S}.build.secrets`, status: 'mapped', note: 'BuildKit build secrets (`RUN --mount=type=secret,id=…`; the id is `target`, else the secret’s name), from the top-level `secrets:` (`file:` or `environment:`). They reach BuildKit from SSM at build time, never in the image or the build logs.' },
  { key: `${S}.build.additional_contexts`, status: 'rejected', note: 'Only one build context is packaged.', fix: 'Move the files into the main context.' },
  { key: `${S}.build.privileged`, status: 'rejected', note: 'RUN steps do not run privileged (BuildKit’s security.insecure is not granted).', fix: 'Remove `privileged`.', when: 'true' },
  { key: `${S}.build.labels`, status: 'warned', note: 'Image labels are not applied by the builder.', fix: 'Use LABEL in the Dockerfile.' },
  { key: `${S}.build.cache_from`, status: 'warned', note: 'Berth sets the build cache itself: a registry cache in ECR `berth/<project>/cache`, plus reuse of images by context digest.', fix: 'Remove `cache_from`.' },
  { key: `${S}.build.cache_to`, status: 'warned', note: 'Berth sets the build cache itself: a registry cache in ECR `berth/<project>/cache` (mode=max).', fix: 'Remove `cache_to`.' },
  { key: `${S}.build.no_cache`, status: 'warned', note: 'Berth rebuilds only when the context changes.', fix: 'Change the context to force a rebuild.' },
  { key: `${S}.build.pull`, status: 'warned', note: 'The builder always pulls base images.', fix: 'Remove `pull`.' },
  { key: `${S}.build.network`, status: 'warned', note: 'Builds use the CodeBuild build’s network.', fix: 'Remove `network`.' },
  { key: `${S}.build.shm_size`, status: 'warned', note: 'Not configurable for builds in CodeBuild.', fix: 'Remove `shm_size`.' },
  { key: `${S}.build.extra_hosts`, status: 'warned', note: 'Not configurable for builds in CodeBuild.', fix: 'Remove `extra_hosts`.' },
  { key: `${S}.build.isolation`, status: 'warned', note: 'Isolation modes are for Windows builds.', fix: 'Remove `isolation`.' },
  { key: `${S}.build.tags`, status: 'warned', note: 'Images are tagged by context digest in ECR.', fix: 'Remove `tags`.' },
  { key: `${S}.build.ulimits`, status: 'warned', note: 'Not configurable for builds in CodeBuild.', fix: 'Remove `ulimits`.' },

  // Deploy
  { key: `${S}.deploy.replicas`, status: 'mapped', note: 'ECS desired count (at least 2 in high_availability mode).' },
  { key: `${S}.deploy.resources`, status: 'mapped', note: 'Fargate task size: the smallest valid size that holds the reservations (or limits).' },
  { key: `${S}.deploy.resources.limits.cpus`, status: 'mapped', note: 'Fargate CPU when no reservation is set.' },
  { key: `${S}.deploy.resources.limits.memory`, status: 'mapped', note: 'Fargate memory when no reservation is set.' },
  { key: `${S}.deploy.resources.limits.pids`, status: 'warned', note: 'Not configurable on Fargate.', fix: 'Remove `pids`.' },
  { key: `${S}.deploy.resources.reservations.cpus`, status: 'mapped', note: 'Fargate CPU (moved up to the next valid size).' },
  { key: `${S}.deploy.resources.reservations.memory`, status: 'mapped', note: 'Fargate memory (moved up to the next valid size).' },
  { key: `${S}.deploy.resources.reservations.devices`, status: 'mapped', note: '`capabilities: [gpu]`: NVIDIA GPUs (a device without a count is one GPU, as in Defang). The service runs on ECS GPU instances (an Auto Scaling group of the smallest instance that holds it, from the ECS GPU-optimised AMI) in the project’s network, after a check of the account’s GPU quota; the rest stays on Fargate. Other devices are refused.' },
  { key: `${S}.deploy.resources.reservations.generic_resources`, status: 'rejected', note: 'Fargate has no generic resources.', fix: 'Remove `generic_resources`.' },
  { key: `${S}.deploy.mode`, status: 'warned', note: 'There are no nodes on Fargate: `global` runs one task.', fix: 'Use `replicas` instead.', when: 'global' },
  { key: `${S}.deploy.endpoint_mode`, status: 'warned', note: 'Services are reached through Cloud Map DNS records.', fix: 'Remove `endpoint_mode`.' },
  { key: `${S}.deploy.labels`, status: 'warned', note: 'Service labels are not applied.', fix: 'Remove `labels`.' },
  { key: `${S}.deploy.placement`, status: 'warned', note: 'Fargate places tasks itself (across two availability zones).', fix: 'Remove `placement`.' },
  { key: `${S}.deploy.restart_policy`, status: 'warned', note: 'ECS restarts stopped tasks itself.', fix: 'Remove `restart_policy`.' },
  { key: `${S}.deploy.rollback_config`, status: 'warned', note: 'Berth uses the ECS deployment circuit breaker with rollback.', fix: 'Remove `rollback_config`.' },
  { key: `${S}.deploy.update_config`, status: 'warned', note: 'Berth uses ECS rolling deployments with the circuit breaker.', fix: 'Remove `update_config`.' },

  // Ports (long form)
  { key: `${S}.ports[].target`, status: 'mapped', note: 'Container port; target group port for ingress.' },
  { key: `${S}.ports[].published`, status: 'mapped', note: 'Load balancer listener port for ingress; ignored for host ports.' },
  { key: `${S}.ports[].protocol`, status: 'mapped', note: 'tcp or udp; a public UDP port is a UDP listener of the Network Load Balancer, the same port as tcp and udp one TCP_UDP listener.' },
  { key: `${S}.ports[].mode`, status: 'mapped', note: '`ingress` (default): public through a load balancer; `host`: private.' },
  { key: `${S}.ports[].app_protocol`, status: 'mapped', note: 'http, http2 or grpc: the Application Load Balancer’s target group protocol version; any other value (tcp, postgresql, https...) is raw TCP through the Network Load Balancer. Unset: http, except on well-known non-HTTP ports (5432, 3306, 6379, 1883, 53, 25565...).' },
  { key: `${S}.ports[].name`, status: 'warned', note: 'Port names are not used.', fix: 'Remove `name`.' },
  { key: `${S}.ports[].host_ip`, status: 'warned', note: 'The load balancer listens on all addresses.', fix: 'Remove `host_ip`.' },

  // Healthcheck
  { key: `${S}.healthcheck.test`, status: 'mapped', note: 'Container health check command.' },
  { key: `${S}.healthcheck.interval`, status: 'mapped', note: 'Health check interval (5–300 s).' },
  { key: `${S}.healthcheck.timeout`, status: 'mapped', note: 'Health check timeout (2–60 s).' },
  { key: `${S}.healthcheck.retries`, status: 'mapped', note: 'Health check retries (1–10).' },
  { key: `${S}.healthcheck.start_period`, status: 'mapped', note: 'Health check start period (0–300 s) and ECS service grace period.' },
  { key: `${S}.healthcheck.disable`, status: 'mapped', note: 'No container health check.' },
  { key: `${S}.healthcheck.start_interval`, status: 'warned', note: 'ECS has no separate start interval.', fix: 'Remove `start_interval`.' },

  // depends_on (long form)
  { key: `${S}.depends_on.*.condition`, status: 'mapped', note: 'Creation order; ECS does not wait for health or completion between services.' },
  { key: `${S}.depends_on.*.required`, status: 'mapped', note: 'A dependency that is not required may be missing (inactive profile).' },
  { key: `${S}.depends_on.*.restart`, status: 'warned', note: 'ECS does not restart dependents when a dependency restarts.', fix: 'Remove `restart`.' },
];
