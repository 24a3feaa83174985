/**
 * One deployment as a state machine over DEPLOY_PHASES: validate → connection → config →
 * bootstrap → package → upload → build → secrets → stack → rollout → record. Every step emits
 * typed `deploy:event`s; a failure stops the run at its phase with the cause; cancel takes
 * effect between phases (and stops running builds); the change set waits for approval unless
 * auto-approved. A run that resumes after a restart attaches to builds and stack operations
 * already under way instead of starting them again.
 */
import { utcMinute } from '../util/utc-minute';
import { sleepUnlessAborted } from '../util/sleep';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { DeployEvent, DeploymentFailure, DeploymentRecord, DeployPhase, PhaseState } from '../../shared/domain/deploy';
import { DEPLOY_PHASES } from '../../shared/domain/deploy';
import type { DeploymentMode } from '../../shared/domain/plan';
import type { ProjectModel, ServiceModel } from '../../shared/domain/project';
import { hasErrors } from '../../shared/domain/diagnostics';
import { AppErrorException, raise, type AppError } from '../../shared/result';
import type { ActiveConnection } from '../aws/connection';
import { checkPin, pinProject } from '../aws/pin';
import { ensureBootstrap, type BootstrapTemplateSource } from '../bootstrap/ensure';
import { dockerHubCacheProblem } from '../aws/docker-hub';
import { DOCKER_HUB_OUTPUTS } from '../plan/bootstrap';
import { plannedBootstrap } from '../bootstrap/template';
import { loadProject } from '../compose/load';
import { gpuPlans, imagePulls, modelPlans, planProject, projectStackName, projectStackParameters } from '../plan';
import { assertConfigSet, readConfigVersions } from '../secrets/store';
import { runBuilds, type BuildRequest } from './build';
import { buildRun, buildSecretParameter } from './build-records';
import { BUILD_PROJECTS } from '../plan/bootstrap';
import { writeDerivedParameters } from './derived';
import { hostedZonesOf } from './certificates';
import { recordDomain, validationRecordOf, waitingWords, type ValidationRecord } from '../../shared/domain/certificates';
import type { HostedZoneMatch } from '../aws/hosted-zones';
import { toAppError } from './errors';
import { buildDigest, ensureRepositories, existingImageTags } from './images';
import { packageContext, type PackagedContext, type PackageOptions } from './package';
import { bucketRecords, putBucketRecord, saveLocalRecord, type ResumeInfo } from './records';
import { retainImages } from './retention';
import { composeFilesOf, putRelease, RELEASE_FORMAT, releaseParameters, releaseStack, type Release } from './release';
import { checkRollbackTarget, releaseImages, restoreConfig, undoConfigRestore, type RollbackCheck } from './rollback';
import { findRepository } from './images';
import { ProjectLock } from './lock';
import { hostname } from 'node:os';
import { projectRepositoryName } from '../plan';
import type { PlannedStack } from '../../shared/domain/plan';
import { explainStackFailure, rolloutTargets, watchRollouts } from './rollout';
import { assertStackIdle, describeStack, discardChangeSet, executeChangeSet, followStack, prepareChangeSet, stackUpToDate, urlsFromOutputs, type WaitKnobs } from './stack';
import { contextUrl, uploadContext } from './upload';
import { assertVpcRoom } from './vpc-capacity';
import { readConfigModels, type ConfigModels } from './config-models';
import { assertGpuQuota } from './gpu-quota';
import { assertModelAccess } from './model-access';
import { OneOffRunner, oneOffPlans } from './one-off';
import { writeSecretFiles } from './secret-files';
import { deployedStores, snapshotStores, startServices, stopServices, type MoveEnvironment } from './store-move';

/** Knobs tests and benchmarks turn (the app uses the defaults). */
export interface PipelineTuning {
  /** Stack and change set polling. */
  wait?: WaitKnobs;
  /** Build and rollout polling. */
  pollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Context packaging (size limit, gzip level). */
  packaging?: Pick<PackageOptions, 'maxBytes' | 'level'>;
  /** Upload part retries. */
  retryBaseDelayMs?: number;
  bootstrapSource?: BootstrapTemplateSource;
  /** Skip preflight (it loads the CloudFormation specification once per process). */
  preflight?: boolean;
  /** How many successful deployments keep their images (so they can be put back). */
  keptDeployments?: number;
  /** The project lock's heartbeat and how long a silent holder takes to go stale. */
  lock?: { heartbeatMs?: number; staleAfterMs?: number };
}

export interface PipelineInput {
  id: string;
  dir: string;
  mode: DeploymentMode;
  autoApprove: boolean;
  /** True when this run carries on a deployment an earlier process started. */
  resuming?: boolean;
  startedAt?: string;
  /** Put this earlier deployment back (its template, images and config versions) instead of deploying the folder. */
  rollbackOf?: DeploymentRecord;
  /** The project's name, typed by the user to take over from a holder that stopped reporting. */
  takeOver?: string;
}

export interface PipelineEnvironment {
  connection: () => ActiveConnection;
  dataDir: string;
  emit: (event: DeployEvent) => void;
  tuning?: PipelineTuning;
  /** Process id written into the local record (who owns the run). */
  pid?: number;
  /** Berth's version, written into the project lock (who holds the deployment). */
  berthVersion?: string;
}

/** A deployment being run: its record, how to approve or cancel it, and its end. */
export class DeploymentRun {
  readonly record: DeploymentRecord;
  readonly done: Promise<DeploymentRecord>;
  private readonly controller = new AbortController();
  // Detaching stops following the stack and rollouts (they carry on in AWS) without ending the deployment.
  private readonly detachController = new AbortController();
  private approval: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private approved = false;
  private bucket: string | undefined;
  /** SSM parameter versions of the project's config, read after the secrets phase. */
  private configVersions: Record<string, number> | undefined;
  /** Each domain's public hosted zone (null: not in the account); undefined when Route 53 could not be asked. */
  private hostedZones: Record<string, HostedZoneMatch | null> | undefined;
  /** The Docker Hub cache's secret, once the bootstrap has a rule ECR can sign in with. */
  private dockerHubCredentialArn: string | undefined;
  /** The project template and parameters this run sent (or found already deployed). */
  /** Model ARNs named by config values, read in the config phase. */
  private configModels: ConfigModels = { parameters: {}, models: [] };
  private sent: { planned: PlannedStack; parameters: { ParameterKey: string; ParameterValue: string }[] } | undefined;
  /** A certificate of this deployment that waits for a DNS record the user has to add. */
  private waitingCertificate: { domain: string; record: ValidationRecord } | undefined;
  private projectName = '';
  /** The project lock in the bucket, once taken. */
  private lock: ProjectLock | undefined;
  private currentPhase: DeployPhase = 'validate';
  private lastProgress = new Map<string, number>();
  private startedMs = Date.now();

  constructor(
    readonly input: PipelineInput,
    private readonly env: PipelineEnvironment,
    /** Called when the run knows its project's name (the lock is per project). */
    private readonly onProject: (project: string) => void = () => undefined,
  ) {
    this.record = {
      id: input.id,
      project: '',
      mode: input.mode,
      account: '',
      region: '',
      identityArn: '',
      startedAt: input.startedAt ?? new Date().toISOString(),
      outcome: 'running',
      phases: DEPLOY_PHASES.map((phase) => ({ phase, state: 'pending' as PhaseState })),
      digests: {},
      urls: [],
      ...(input.rollbackOf ? { rollbackOf: input.rollbackOf.id } : {}),
    };
    this.done = this.run();
  }

  /** The phase the run is in (for "in progress" messages). */
  get phase(): DeployPhase {
    return this.currentPhase;
  }

  /** Milliseconds since the run began. */
  get ageMs(): number {
    return Date.now() - this.startedMs;
  }

  /** Confirms the change set the run is waiting on (or will wait on). */
  approve(): void {
    this.approved = true;
    this.approval?.resolve();
  }

  /** Cancels between phases, stops builds, and discards a change set not yet executed. */
  cancel(): void {
    this.controller.abort();
    this.approval?.reject(new AppErrorException('CANCELLED', 'The deployment was cancelled.'));
  }

  /**
   * Stops following once the stack operation runs (the CLI's --detach): the run ends with its
   * record still "running", so the next start or `deploy:active` re-attaches.
   */
  detach(): void {
    this.detachController.abort();
    this.approval?.reject(new AppErrorException('CANCELLED', 'Stopped following the deployment.'));
  }

  /** True when the run ended by detaching. */
  get detached(): boolean {
    return this.detachController.signal.aborted;
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborted by a cancel or a detach: local work (packaging, uploads) stops either way. */
  private get anySignal(): AbortSignal {
    return AbortSignal.any([this.controller.signal, this.detachController.signal]);
  }

  private emit(event: DeployEvent): void {
    this.env.emit(event);
  }

  private progress(phase: DeployPhase, done: number, total: number, unit: 'bytes' | 'files' | 'steps', item?: string): void {
    // At most ~10 progress events a second per phase and item, plus the final one.
    const key = `${phase}:${item ?? ''}`;
    const now = Date.now();
    if (done < total && now - (this.lastProgress.get(key) ?? 0) < 100) return;
    this.lastProgress.set(key, now);
    this.emit({ type: 'progress', deploymentId: this.record.id, phase, done, total, unit, ...(item ? { item } : {}) });
  }

  private setPhase(phase: DeployPhase, state: PhaseState, message?: string): void {
    const entry = this.record.phases.find((p) => p.phase === phase)!;
    const now = new Date().toISOString();
    if (state === 'running') entry.startedAt = now;
    else if (state !== 'pending') {
      entry.startedAt ??= now;
      entry.finishedAt = now;
    }
    entry.state = state;
    if (state !== 'running' && message) entry.note = message;
    if (state === 'running') {
      this.currentPhase = phase;
      void this.lock?.phaseChanged(phase);
    }
    this.emit({ type: 'phase', deploymentId: this.record.id, phase, state, ...(message ? { message } : {}) });
  }

  private resumeInfo(): ResumeInfo {
    return { dir: this.input.dir, autoApprove: this.input.autoApprove, pid: this.env.pid ?? process.pid, ...(this.input.rollbackOf ? { rollbackOf: this.input.rollbackOf.id } : {}) };
  }

  private async saveLocal(): Promise<void> {
    if (!this.projectName) return;
    await saveLocalRecord(this.env.dataDir, this.record, this.record.outcome === 'running' ? this.resumeInfo() : undefined).catch(() => undefined);
  }

  private async step<T>(phase: DeployPhase, work: () => Promise<T | { skipped: string; value: T } | PhaseNote<T>>): Promise<T> {
    if (this.signal.aborted) raise('CANCELLED', 'The deployment was cancelled.');
    if (this.detached) raise('CANCELLED', 'Stopped following the deployment.');
    if (this.lock?.taken) raise('DEPLOY_IN_PROGRESS', `Another deployment took ${this.projectName} over while this one had stopped reporting; this one stops here.`);
    this.setPhase(phase, 'running');
    await this.saveLocal();
    const result = await work();
    if (result && typeof result === 'object' && 'skipped' in result && 'value' in result) {
      this.setPhase(phase, 'skipped', (result as { skipped: string }).skipped);
      return (result as { value: T }).value;
    }
    if (result instanceof PhaseNote) {
      this.setPhase(phase, 'done', result.note);
      return result.value as T;
    }
    this.setPhase(phase, 'done');
    return result as T;
  }

  private async run(): Promise<DeploymentRecord> {
    let failure: AppError | undefined;
    const packaged: PackagedContext[] = [];
    try {
      await this.pipeline(packaged);
    } catch (error) {
      failure = toAppError(error);
    } finally {
      for (const p of packaged) await rm(dirname(p.archivePath), { recursive: true, force: true }).catch(() => undefined);
      // A detached run is still under way in AWS: its lock stays until it is followed again (or goes stale).
      if (!this.detached) await this.lock?.release().catch(() => undefined);
    }
    const now = new Date().toISOString();
    if (failure && this.detached) {
      // Still running in AWS: keep the record open for whoever re-attaches.
      await this.saveLocal();
      return this.record;
    }
    if (failure) {
      const cancelled = failure.code === 'CANCELLED';
      const running = this.record.phases.find((p) => p.state === 'running');
      if (running) this.setPhase(running.phase, cancelled ? 'cancelled' : 'failed', failure.message);
      this.record.outcome = cancelled ? 'cancelled' : 'failed';
      const details = failure.details ?? {};
      const f: DeploymentFailure = { phase: running?.phase ?? this.currentPhase, message: failure.message };
      if (typeof details.resource === 'string') f.resource = details.resource;
      if (typeof details.reason === 'string') f.reason = details.reason;
      if (Array.isArray(details.logLines)) f.logLines = (details.logLines as unknown[]).map(String);
      f.code = failure.code;
      this.record.failure = f;
      for (const p of this.record.phases) if (p.state === 'pending') p.state = cancelled ? 'cancelled' : 'skipped';
    }
    this.record.finishedAt = now;
    if (this.record.outcome === 'running') this.record.outcome = 'succeeded';
    await this.saveLocal();
    if (this.bucket) {
      try {
        await putBucketRecord(this.env.connection().clients.s3, this.bucket, this.record);
      } catch {
        // The local copy is kept; the bucket copy is a convenience for other machines.
      }
    }
    this.emit({ type: 'finished', deploymentId: this.record.id, record: this.record });
    return this.record;
  }

  private async pipeline(packaged: PackagedContext[]): Promise<void> {
    const input = this.input;

    // 1. Validate: errors block; warnings were shown when the project was opened.
    const project = await this.step('validate', async () => {
      const loaded = await loadProject(input.dir);
      if (!loaded.project) {
        if (loaded.composeFiles.length === 0) raise('NO_COMPOSE_FILE', `There is no compose file in ${input.dir}.`);
        raise('COMPOSE_INVALID', `The compose project in ${input.dir} could not be read. Fix the errors it lists, then deploy.`, { diagnostics: loaded.diagnostics.slice(0, 20) });
      }
      // A rollback deploys what was recorded, not the folder: the folder only names the project.
      if (hasErrors(loaded.diagnostics) && !input.rollbackOf) {
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        raise('COMPOSE_INVALID', `The compose project has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors.slice(0, 3).map((d) => d.message).join(' ')}`, { diagnostics: errors.slice(0, 20) });
      }
      return loaded.project;
    });
    this.projectName = project.name;
    this.record.project = project.name;
    this.onProject(project.name);
    if (input.rollbackOf && input.rollbackOf.project !== project.name) raise('ROLLBACK_BLOCKED', `Deployment ${input.rollbackOf.id} is of project ${input.rollbackOf.project}, not ${project.name}.`);

    // 2. Connection and pin: the project stays in the account and region it was first deployed to.
    const stackName = projectStackName(project.name);
    let existingStack: Stack | undefined;
    const conn = await this.step('connection', async () => {
      const c = this.env.connection();
      this.record.account = c.identity.account;
      this.record.region = c.target.region;
      this.record.identityArn = c.identity.arn;
      await checkPin({ dataDir: this.env.dataDir }, input.dir, c.identity, c.target.region);
      existingStack = await describeStack(c.clients.cloudformation, stackName);
      // Fail fast, before minutes of building, when someone else is changing the stack.
      if (!input.resuming) assertStackIdle(existingStack);
      // Room for the VPCs this deploy creates, before the bootstrap phase creates anything (a resumed run's are under way).
      if (!input.resuming && !(input.rollbackOf && existingStack)) await assertVpcRoom(c.clients, c.target.region, plannedStacksOrNone(project, input.mode, c.target.region), { [stackName]: existingStack });
      await pinProject({ dataDir: this.env.dataDir }, input.dir, c.identity, c.target.region);
      return c;
    });
    const { clients } = conn;

    // 3. Config gate: every required name must be set; a rollback checks that everything it puts back is still there.
    const rollback = await this.step('config', async () => {
      if (input.rollbackOf) return this.rollbackPlan(input.rollbackOf);
      await assertConfigSet(
        clients.ssm,
        project.name,
        project.requiredConfig.map((r) => r.name),
      );
      // Models and GPUs the account must allow, before anything is created (a resumed run checked them).
      const region = conn.target.region;
      this.configModels = await readConfigModels(clients.ssm, project, { region, account: conn.identity.account, partition: conn.identity.arn.split(':')[1] || 'aws' });
      if (input.resuming) return undefined;
      const gpu = await assertGpuQuota(clients, region, project.name, gpuPlans(project, input.mode));
      const models = await assertModelAccess(clients.bedrock, region, [...modelPlans(project, region), ...this.configModels.models]);
      // A check Berth may not make is said, not silently passed.
      const unchecked = [gpu?.note, models?.note].filter((n): n is string => Boolean(n));
      return unchecked.length > 0 ? new PhaseNote(unchecked.join(' '), undefined) : undefined;
    });
    // From here on a rollback works from the model it recorded.
    const model = rollback?.release.model ?? project;

    // 4. Bootstrap: create, update or nothing.
    const tuning = this.env.tuning ?? {};
    const bootstrap = await this.step('bootstrap', async () => {
      const status = await ensureBootstrap(conn, {
        source: tuning.bootstrapSource ?? plannedBootstrap,
        onEvent: (event) => this.emit({ type: 'stack-event', deploymentId: this.record.id, event }),
        ...(tuning.wait ? { wait: { ...tuning.wait, signal: this.signal } } : { wait: { signal: this.signal } }),
      });
      const note = await this.useDockerHubCache(status.outputs, model);
      // Before anything of the project changes: the project is ours, or we say who has it.
      if (status.outputs.BucketName) await this.takeProject(conn, status.outputs.BucketName);
      return note ? new PhaseNote(note, status) : status;
    });
    const outputs = bootstrap.outputs;
    const bucket = outputs.BucketName;
    if (!bucket) raise('BOOTSTRAP_FAILED', 'The bootstrap stack has no BucketName output. Update it from the Bootstrap screen, then deploy.');
    this.bucket = bucket;

    // 5. Package every distinct build context.
    // A rollback runs the images it recorded: nothing is packaged, uploaded or built.
    const built = rollback ? [] : project.services.filter((s): s is ServiceModel & { build: NonNullable<ServiceModel['build']> } => s.build !== undefined);
    // The target in words a user recognises from the History: when it started.
    const target = input.rollbackOf ? `the deployment of ${utcMinute(input.rollbackOf.startedAt)}` : '';
    const nothingToBuild = rollback ? `Rolling back to ${target}: its images are used as they are.` : 'No service builds an image.';
    const contextKeyOf = (s: (typeof built)[number]) => `${s.build.context}\0${s.build.dockerfile}`;
    const byContext = new Map<string, PackagedContext>();
    await this.step('package', async () => {
      const unique = [...new Map(built.map((s) => [contextKeyOf(s), s])).values()];
      if (unique.length === 0) return { skipped: nothingToBuild, value: undefined };
      for (const s of unique) {
        const result = await packageContext(s.build, {
          ...tuning.packaging,
          signal: this.anySignal,
          onProgress: (p) => this.progress('package', p.bytes, p.totalBytes, 'bytes', s.name),
        });
        packaged.push(result);
        byContext.set(contextKeyOf(s), result);
        this.progress('package', result.contentBytes, result.contentBytes, 'bytes', s.name);
      }
      for (const s of built) this.record.digests[s.name] = byContext.get(contextKeyOf(s))!.digest;
      return undefined;
    });

    // 6. Upload what the bucket does not have.
    await this.step('upload', async () => {
      if (packaged.length === 0) return { skipped: 'Nothing to upload.', value: undefined };
      let uploaded = 0;
      await Promise.all(
        packaged.map(async (p) => {
          const result = await uploadContext(clients.s3, {
            bucket,
            project: project.name,
            digest: p.digest,
            archivePath: p.archivePath,
            archiveBytes: p.archiveBytes,
            signal: this.anySignal,
            onProgress: (loaded, total) => this.progress('upload', loaded, total, 'bytes', p.digest.slice(0, 12)),
            ...(tuning.retryBaseDelayMs !== undefined ? { retry: { baseDelayMs: tuning.retryBaseDelayMs } } : {}),
          });
          if (result.uploaded) uploaded++;
        }),
      );
      if (uploaded === 0) return { skipped: 'Every build context is already in the bucket.', value: undefined };
      return undefined;
    });

    // 7. Build images whose digest is not in ECR.
    const images: Record<string, string> = {};
    let builtSomething = false;
    await this.step('build', async () => {
      if (rollback) Object.assign(images, Object.fromEntries(releaseImages(rollback.release).map((i) => [i.service, `${rollback.repositoryUri}:${i.tag}`])));
      if (built.length === 0) return { skipped: nothingToBuild, value: undefined };
      const requests = new Map<string, BuildRequest>();
      for (const s of built) {
        const p = byContext.get(contextKeyOf(s))!;
        const tag = buildDigest(p.digest, s.build);
        const existing = requests.get(tag);
        if (existing) existing.services.push(s.name);
        else {
          requests.set(tag, {
            services: [s.name],
            tag,
            contextUrl: contextUrl(bucket, project.name, p.digest),
            builder: s.build.builder,
            dockerfile: p.dockerfile,
            args: s.build.args,
            ...(s.build.target ? { target: s.build.target } : {}),
            platform: s.build.platform,
            secrets: (s.build.secrets ?? []).map((b) => ({ id: b.id, parameter: buildSecretParameter(project, b.secret) })),
          });
        }
      }
      const repos = await ensureRepositories(clients.ecr, project.name, { cache: true });
      const present = await existingImageTags(clients.ecr, repos.name, [...requests.keys()]);
      const needed = [...requests.values()].filter((r) => !present.has(r.tag));
      for (const r of requests.values()) for (const service of r.services) images[service] = `${repos.uri}:${r.tag}`;
      if (needed.length === 0) return { skipped: 'Every image is already built.', value: undefined };
      builtSomething = true;
      let finished = 0;
      this.progress('build', 0, needed.length, 'steps');
      const outcome = await runBuilds(
        clients.codebuild,
        clients.logs,
        {
          project: project.name,
          projects: { 'linux/amd64': outputs.BuildProjectAmd64 ?? BUILD_PROJECTS['linux/amd64'], 'linux/arm64': outputs.BuildProjectArm64 ?? BUILD_PROJECTS['linux/arm64'] },
          repositoryUri: repos.uri,
          cacheUri: repos.cacheUri,
        },
        needed,
        {
          signal: this.signal,
          detachSignal: this.detachController.signal,
          onLog: (request, lines) => {
            for (const service of request.services) this.emit({ type: 'build-log', deploymentId: this.record.id, service, lines });
          },
          onStarted: (request, _buildId, stream) => {
            this.record.buildLogStreams ??= {};
            for (const service of request.services) this.record.buildLogStreams[service] = stream;
            void this.saveLocal();
          },
          onPhase: (request, phase) => this.emit({ type: 'build-phase', deploymentId: this.record.id, services: request.services, phase }),
          onFinished: (request, result) => {
            (this.record.builds ??= []).push(buildRun(request, result, conn.target.region));
            this.emit({ type: 'build-phase', deploymentId: this.record.id, services: request.services, phase: 'COMPLETED', status: result.status });
            this.progress('build', ++finished, needed.length, 'steps', request.services.join(', '));
          },
          ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
          ...(tuning.maxPollMs !== undefined ? { maxPollMs: tuning.maxPollMs } : {}),
          ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
        },
      );
      if (outcome.failures.length > 0) {
        const cancelled = outcome.failures.find((f) => f.error.code === 'CANCELLED');
        if (cancelled) throw cancelled.error;
        const first = outcome.failures[0]!;
        const names = outcome.failures.flatMap((f) => f.request.services);
        const message =
          outcome.failures.length === 1
            ? first.error.message
            : `${outcome.failures.length} image builds failed (${names.join(', ')}). ${first.error.message}`;
        throw new AppErrorException(first.error.code, `${message}\nNothing was changed in the stack.`, { ...first.error.appError.details, services: names });
      }
      return undefined;
    });

    // 8. Derived config values and compose secret files.
    await this.step('secrets', async () => {
      if (rollback) {
        const n = rollback.check.configRestores.length;
        return { skipped: n === 0 ? `Config values are as ${target} read them.` : `${n} config value${n === 1 ? ' goes' : 's go'} back to ${target}'s once you approve the changes.`, value: undefined };
      }
      const derived = await writeDerivedParameters(clients.ssm, project);
      const files = await writeSecretFiles(clients.ssm, project);
      const written = derived.written.length + files.written.length;
      const unchanged = derived.unchanged.length + files.unchanged.length;
      if (written === 0) return { skipped: unchanged > 0 ? 'Computed values and secret files are up to date.' : 'No computed values or secret files.', value: undefined };
      return undefined;
    });
    // 9. The project stack.
    const stackOutcome = await this.step<{ changed: boolean; outputs: Record<string, string> }>('stack', async () => {
      const cfn = clients.cloudformation;
      // The versions (never values) the plan pins: a changed value reaches the database and every task that reads it.
      this.configVersions = await readConfigVersions(clients.ssm, project.name);
      if (!rollback) this.hostedZones = await hostedZonesOf(clients.route53, project);
      const cluster = outputs.ClusterName ?? outputs.ClusterArn ?? '';
      // One-offs do not depend on where the stores are: a plan without preflight names them.
      const oneOffs = new OneOffRunner(oneOffPlans(rollback ? releaseStack(rollback.release) : this.planStack(project, images, {}, false)), {
        cloudformation: cfn,
        ecs: clients.ecs,
        logs: clients.logs,
        stackName,
        cluster,
        deploymentId: this.record.id,
        onProgress: (run) => this.emit({ type: 'one-off', deploymentId: this.record.id, run }),
        ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
        ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
      });
      // Stack events also start the one-offs, when the stack reaches their wait conditions.
      const onEvent = (event: import('../../shared/domain/deploy').StackEvent) => {
        this.emit({ type: 'stack-event', deploymentId: this.record.id, event });
        oneOffs.onStackEvent(event);
        // A certificate waiting for a record only the user can add: say which, in the phase everyone watches.
        const record = event.type === 'AWS::CertificateManager::Certificate' ? validationRecordOf(event.reason) : undefined;
        if (record) {
          this.waitingCertificate = { domain: recordDomain(record), record };
          this.setPhase('stack', 'running', waitingWords(this.waitingCertificate.domain, record));
        } else if (event.type === 'AWS::CertificateManager::Certificate' && event.status.endsWith('_COMPLETE')) this.waitingCertificate = undefined;
      };
      // Time has passed while building: look again.
      let stack = builtSomething || input.resuming ? await describeStack(cfn, stackName) : existingStack;
      let followed = false;
      if (input.resuming && stack?.StackStatus?.endsWith('_IN_PROGRESS') && stack.StackStatus !== 'REVIEW_IN_PROGRESS') {
        // Carry on: the operation this deployment started before the restart (and a one-off it was waiting for).
        await oneOffs.attachInProgress();
        await this.followOrExplain(() => oneOffs.explain(() => followStack(cfn, stackName, { onEvent, wait: this.followWait(), signal: this.detachController.signal })), model, outputs);
        followed = true;
        stack = await describeStack(cfn, stackName);
      }
      assertStackIdle(stack);
      // Stores still in the shared VPC of an earlier Berth move into the project's network, restored from snapshots (a rollback's template says where its stores are).
      const stores = rollback ? { restores: {}, moves: [] } : await deployedStores(cfn, stack, project, this.record.startedAt);
      const restores = { ...stores.restores, ...Object.fromEntries(stores.moves.map((m) => [m.store, m.snapshot])) };
      const moveEnv: MoveEnvironment = {
        cloudformation: cfn,
        ecs: clients.ecs,
        rds: clients.rds,
        elasticache: clients.elasticache,
        stackName,
        project: project.name,
        cluster,
        onStep: (message) => this.setPhase('stack', 'running', message),
        ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
        ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
      };
      const planned = rollback ? releaseStack(rollback.release) : this.planStack(project, images, restores, tuning.preflight ?? true);
      this.record.templateHash = createHash('sha256').update(planned.body).digest('hex');
      const parameters = rollback ? releaseParameters(rollback.release, outputs) : projectStackParameters(outputs, images, planned, this.configModels.parameters);
      this.sent = { planned, parameters };
      if (await stackUpToDate(cfn, stack, planned, parameters)) {
        if (rollback) {
          this.emit({ type: 'diff', deploymentId: this.record.id, diff: { stackName, changeSetName: '', changes: [], empty: true } });
          // Config values go back here too: a resumed rollback may have stopped before writing them.
          const words = await this.rollbackWithoutStackChange(rollback);
          return { skipped: followed ? 'The stack operation already under way finished.' : words, value: { changed: followed, outputs: outputsOf(stack) } };
        }
        // A move interrupted after its stack update finished still has its services to start.
        if (Object.keys(restores).length > 0) await startServices(moveEnv);
        this.emit({ type: 'diff', deploymentId: this.record.id, diff: { stackName, changeSetName: '', changes: [], empty: true } });
        return { skipped: followed ? 'The stack operation already under way finished.' : 'Nothing to change.', value: { changed: followed, outputs: outputsOf(stack) } };
      }
      const prepared = await prepareChangeSet(cfn, stack, {
        stack: planned,
        parameters,
        project: project.name,
        deploymentId: this.record.id,
        bucket,
        region: conn.target.region,
        s3: clients.s3,
        onEvent,
        signal: this.signal,
        ...(tuning.wait ? { wait: tuning.wait } : {}),
      });
      this.emit({ type: 'diff', deploymentId: this.record.id, diff: stores.moves.length > 0 ? { ...prepared.diff, moves: stores.moves } : prepared.diff });
      if (prepared.diff.empty || !prepared.changeSetId) {
        if (rollback) return { skipped: await this.rollbackWithoutStackChange(rollback), value: { changed: false, outputs: outputsOf(stack) } };
        return { skipped: 'Nothing to change.', value: { changed: followed, outputs: outputsOf(stack) } };
      }
      if (!input.autoApprove && !this.approved) {
        this.setPhase('stack', 'running', 'Waiting for you to approve the changes.');
        try {
          await new Promise<void>((resolve, reject) => {
            this.approval = { resolve, reject };
            if (this.signal.aborted) reject(new AppErrorException('CANCELLED', 'The deployment was cancelled.'));
          });
        } catch (error) {
          await discardChangeSet(cfn, stackName, prepared.changeSetId);
          throw error;
        }
      }
      if (this.signal.aborted) {
        await discardChangeSet(cfn, stackName, prepared.changeSetId);
        raise('CANCELLED', 'The deployment was cancelled before changing the stack.');
      }
      if (stores.moves.length > 0) {
        try {
          await stopServices(moveEnv);
          await snapshotStores(moveEnv, stores.moves);
        } catch (error) {
          await startServices(moveEnv).catch(() => undefined);
          await discardChangeSet(cfn, stackName, prepared.changeSetId);
          throw error;
        }
      }
      const undo = rollback ? await this.restoreRollbackConfig(rollback) : [];
      this.setPhase('stack', 'running', 'Applying the changes.');
      // Once executing, the stack operation runs to its end: cancelling now would leave it half-done.
      let outcome: Awaited<ReturnType<typeof executeChangeSet>>;
      try {
        outcome = await this.followOrExplain(
          () => oneOffs.explain(() => executeChangeSet(cfn, stackName, prepared.changeSetId!, { onEvent, wait: this.followWait(), signal: this.detachController.signal })),
          model,
          outputs,
        );
      } catch (error) {
        // The stack went back to what ran before the rollback: so do the config values.
        if (undo.length > 0 && !this.detached) await undoConfigRestore(clients.ssm, undo);
        if (stores.moves.length === 0 || this.detached) throw error;
        // Rolled back: the old stores are untouched; the services go back to work on them.
        await startServices(moveEnv).catch(() => undefined);
        const failure = toAppError(error);
        const names = stores.moves.map((m) => m.store).join(' and ');
        throw new AppErrorException(
          failure.code,
          `${failure.message}\n${names} stayed in the shared network with all their data, and the services were started again on them. The snapshots taken for the move are kept: ${stores.moves.map((m) => m.snapshot).join(', ')}.`,
          failure.details,
        );
      }
      // The services stopped for a move start again, now on the restored stores.
      if (Object.keys(restores).length > 0) await startServices(moveEnv);
      return { changed: true, outputs: outcome.outputs };
    });
    this.record.urls = urlsFromOutputs(stackOutcome.outputs);
    if (!stackOutcome.changed && this.record.phases.find((p) => p.phase === 'stack')?.state === 'skipped') this.record.outcome = 'nothing-to-change';

    // 10. Rollouts.
    await this.step('rollout', async () => {
      if (!stackOutcome.changed) return { skipped: 'No service changed.', value: undefined };
      await watchRollouts(
        clients.ecs,
        clients.logs,
        { cluster: outputs.ClusterName ?? outputs.ClusterArn ?? '', project: project.name, targets: rolloutTargets(model) },
        {
          onRollout: (rollout) => this.emit({ type: 'rollout', deploymentId: this.record.id, rollout }),
          signal: AbortSignal.any([this.signal, this.detachController.signal]),
          ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
          ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
        },
      );
      return undefined;
    });

    // 11. Record (written by run() once the outcome is final), and the release a rollback or a comparison reads.
    await this.step('record', async () => {
      const sent = this.sent;
      // Nothing changed: what runs already has its release and its kept images.
      if (!sent || this.record.outcome === 'nothing-to-change') return undefined;
      if (Object.keys(images).length > 0) this.record.images = { ...images };
      // A rollback wrote its config back as new versions: record those.
      const configVersions = rollback ? await readConfigVersions(clients.ssm, project.name) : (this.configVersions ?? {});
      this.record.configVersions = configVersions;
      await putRelease(clients.s3, bucket, {
        format: RELEASE_FORMAT,
        deploymentId: this.record.id,
        project: project.name,
        template: sent.planned.body,
        parameters: sent.parameters,
        configVersions,
        model,
        composeFiles: rollback ? rollback.release.composeFiles : await composeFilesOf(project),
      });
      this.record.released = true;
      return this.keepImages(clients.ecr, clients.s3, bucket, project.name);
    });
  }

  /**
   * Moves the keep tags onto the images the last kept deployments run (this one included), so
   * that each of them can be put back. A failure here does not fail the deployment: it says so.
   */
  private async keepImages(ecr: ActiveConnection['clients']['ecr'], s3: ActiveConnection['clients']['s3'], bucket: string, project: string): Promise<PhaseNote<undefined> | undefined> {
    const repository = await findRepository(ecr, project).catch(() => undefined);
    if (!repository) return undefined;
    try {
      const earlier = (await bucketRecords(s3, bucket, project)).filter((r) => r.id !== this.record.id);
      const history = [{ ...this.record, outcome: 'succeeded' as const }, ...earlier];
      await retainImages(ecr, projectRepositoryName(project), history, this.env.tuning?.keptDeployments);
      return undefined;
    } catch (error) {
      return new PhaseNote(`The images of earlier deployments could not be marked to keep (${toAppError(error).message}); they may expire in 14 days, and rollbacks to them with them.`, undefined);
    }
  }

  /** Takes the project's lock in the bucket (another machine's live deployment refuses this one, naming it). */
  private async takeProject(conn: ActiveConnection, bucket: string): Promise<void> {
    const lock = new ProjectLock(conn.clients.s3, bucket, this.env.tuning?.lock ?? {});
    const now = new Date().toISOString();
    const holder = await lock.acquire(
      {
        deploymentId: this.record.id,
        project: this.projectName,
        identityArn: conn.identity.arn,
        host: hostname(),
        berthVersion: this.env.berthVersion ?? 'unknown',
        account: conn.identity.account,
        region: conn.target.region,
        startedAt: this.record.startedAt,
        heartbeatAt: now,
        phase: this.currentPhase,
      },
      this.input.takeOver,
    );
    this.lock = lock;
    if (holder.tookOverFrom) this.record.tookOverFrom = holder.tookOverFrom;
  }

  /** Loads what a rollback puts back and checks it can all come back (nothing is changed yet). */
  private async rollbackPlan(target: DeploymentRecord): Promise<RollbackPlan> {
    const { clients } = this.env.connection();
    const { check, release } = await checkRollbackTarget(clients, target);
    if (!release || check.blockers.length > 0) raise('ROLLBACK_BLOCKED', `Deployment ${target.id} cannot be put back. ${check.blockers.join(' ')} Nothing was changed.`, { blockers: check.blockers });
    const repositoryUri = (await findRepository(clients.ecr, target.project)) ?? '';
    return { release, check, repositoryUri };
  }

  /** A rollback whose stack already runs the target (CloudFormation rolled a failed attempt back): only its config values go back. */
  private async rollbackWithoutStackChange(rollback: RollbackPlan): Promise<string> {
    const n = rollback.check.configRestores.length;
    await this.restoreRollbackConfig(rollback);
    return n === 0 ? 'The stack already runs that deployment, and its config values are as it read them.' : `The stack already runs that deployment; ${n} config value${n === 1 ? ' was' : 's were'} put back to ${n === 1 ? 'its earlier value' : 'their earlier values'}.`;
  }

  /** After approval: the config values go back to the rollback target's (undone if the stack update fails). */
  private async restoreRollbackConfig(rollback: RollbackPlan): Promise<{ parameter: string; version: number }[]> {
    if (rollback.check.configRestores.length === 0) return [];
    this.setPhase('stack', 'running', `Putting back ${rollback.check.configRestores.length} config value${rollback.check.configRestores.length === 1 ? '' : 's'}.`);
    return restoreConfig(this.env.connection().clients.ssm, rollback.check.configRestores);
  }

  /**
   * Other Docker Hub images come through the bootstrap's Docker Hub cache when it has one and ECR
   * can sign in with the stored credentials; otherwise each task pulls them anonymously, and the
   * deploy says why.
   */
  private async useDockerHubCache(outputs: Record<string, string>, project: ProjectModel): Promise<string | undefined> {
    const credential = outputs[DOCKER_HUB_OUTPUTS.credential];
    const prefix = outputs[DOCKER_HUB_OUTPUTS.prefix];
    if (!credential || !prefix) return undefined;
    if (!imagePulls(project, true).some((p) => p.source === 'docker-hub-cache')) {
      this.dockerHubCredentialArn = credential;
      return undefined;
    }
    const problem = await dockerHubCacheProblem(this.env.connection().clients.ecr, prefix);
    if (problem) return `Docker Hub images will be pulled anonymously: ECR cannot sign in to Docker Hub with the stored account (${problem}). Save a new access token on the Connect screen.`;
    this.dockerHubCredentialArn = credential;
    const pulled = imagePulls(project, true).filter((p) => p.source === 'docker-hub-cache');
    return `${pulled.map((p) => p.image).join(', ')} will come through your account’s Docker Hub cache, signed in.`;
  }

  /** The project stack as planned for this run (preflight problems stop it). */
  private planStack(project: ProjectModel, images: Record<string, string>, restores: Record<string, string>, preflight: boolean) {
    const conn = this.env.connection();
    const stackName = projectStackName(project.name);
    const preview = planProject(project, { mode: this.input.mode, region: conn.target.region, account: conn.identity.account, images, restores, preflight, configVersions: this.configVersions, ...(this.hostedZones ? { hostedZones: this.hostedZones } : {}), ...(this.dockerHubCredentialArn ? { dockerHubCredentialArn: this.dockerHubCredentialArn } : {}) });
    const planned = preview.stacks.find((s) => s.stackName === stackName);
    if (!planned) raise('INTERNAL', `The plan has no stack named ${stackName}.`);
    if (preview.preflight.length > 0) {
      const first = preview.preflight[0]!;
      raise('PREFLIGHT_FAILED', `The generated template failed its checks (${preview.preflight.length} problem${preview.preflight.length === 1 ? '' : 's'}): ${first.logicalId} ${first.path}: ${first.message}`, {
        problems: preview.preflight.slice(0, 20),
      });
    }
    return planned;
  }

  /** Stack waiting that a detach interrupts at once (not after the current poll interval). */
  private followWait(): WaitKnobs {
    const wait = this.env.tuning?.wait ?? {};
    const signal = this.detachController.signal;
    const sleep = wait.sleep ?? ((ms: number) => sleepUnlessAborted(ms, signal));
    return { ...wait, sleep };
  }

  /** Runs a stack operation; on failure adds the failing service's stopped tasks and their logs. */
  private async followOrExplain<T>(work: () => Promise<T>, project: ProjectModel, outputs: Record<string, string>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Berth stopped watching while a certificate still waits for its record: say which record, not just "still in progress".
      const waiting = this.waitingCertificate;
      if (waiting && error instanceof AppErrorException && error.code === 'STACK_BUSY') {
        raise('STACK_BUSY', `${waitingWords(waiting.domain, waiting.record)} Berth stopped watching; CloudFormation keeps waiting. Add the record, then deploy again to follow it.`, { ...error.appError.details, record: waiting.record });
      }
      const { ecs, logs } = this.env.connection().clients;
      throw await explainStackFailure(error, { ecs, logs, cluster: outputs.ClusterName ?? outputs.ClusterArn ?? '', project });
    }
  }
}

/** A phase that is done, with a sentence for the user. */
class PhaseNote<T> {
  constructor(
    readonly note: string,
    readonly value: T,
  ) {}
}

/** What a rollback puts back, checked. */
interface RollbackPlan {
  release: Release;
  check: RollbackCheck;
  repositoryUri: string;
}

/** The stacks a deploy would send, for counting their VPCs; none when the plan fails (the stack phase reports why). */
function plannedStacksOrNone(project: ProjectModel, mode: DeploymentMode, region: string) {
  try {
    return planProject(project, { mode, region, preflight: false }).stacks;
  } catch {
    return [];
  }
}

function outputsOf(stack: Stack | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) out[o.OutputKey] = o.OutputValue;
  return out;
}
