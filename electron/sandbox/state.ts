/**
 * Everything the sandbox remembers, per service, as plain data (Maps for user-chosen keys), and
 * its persistence: one file in the data folder, written atomically (temp file + rename) with
 * Node's structured-clone serialiser so buffers and typed arrays survive byte for byte.
 */
import type { Resolution } from './network/dns';
import type { ModelAccessState } from './bedrock/access';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

// ---- S3 ----
export interface S3ObjectVersion {
  versionId: string;
  deleteMarker: boolean;
  body: Buffer;
  etag: string;
  size: number;
  lastModified: number;
  contentType?: string;
  /** Standard headers stored with the object (cache-control, content-encoding, content-disposition...). */
  headers: Record<string, string>;
  metadata: Record<string, string>;
}
export interface S3UploadPart {
  etag: string;
  body: Buffer;
  lastModified: number;
}
export interface S3MultipartUpload {
  uploadId: string;
  key: string;
  initiated: number;
  contentType?: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  parts: Map<number, S3UploadPart>;
}
export interface S3Bucket {
  name: string;
  region: string;
  createdAt: number;
  versioning: 'Unversioned' | 'Enabled' | 'Suspended';
  policy?: string;
  tags: Record<string, string>;
  /** Bucket sub-resources Berth sets but the sandbox only stores (encryption, lifecycle...): raw XML by name. */
  configs: Map<string, string>;
  /** Versions per key, oldest first; the last one is current. */
  objects: Map<string, S3ObjectVersion[]>;
  uploads: Map<string, S3MultipartUpload>;
}

// ---- SSM ----
/** One version of a parameter as it was written. */
export interface SsmParameterVersion {
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModified: number;
  description?: string;
  keyId?: string;
  tier: string;
  dataType: string;
  allowedPattern?: string;
  /** Labels on this version; absent in state files written before labels were kept. */
  labels?: string[];
}

/** A parameter: its latest version's fields, plus the versions before it. */
export interface SsmParameter extends SsmParameterVersion {
  name: string;
  tags: Record<string, string>;
  /** Earlier versions, oldest first; absent in state files written before history was kept (only the latest then). */
  history?: SsmParameterVersion[];
}

// ---- CloudWatch Logs ----
/** One stream's events in columns (timestamps in typed arrays) so a million events stay small. */
export interface LogStream {
  name: string;
  createdAt: number;
  times: Float64Array;
  ingested: Float64Array;
  messages: string[];
  length: number;
  lastIngestionTime?: number;
  /** Monotonic counter, the base of event ids. */
  uploadSequence: number;
}
export interface LogGroup {
  name: string;
  createdAt: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
}
export interface LogResourcePolicy {
  name: string;
  document: string;
  updatedAt: number;
}

// ---- ECS ----
export interface EcsCluster {
  name: string;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  capacityProviders: string[];
  defaultStrategy: { capacityProvider: string; weight?: number; base?: number }[];
  settings: { name: string; value: string }[];
  tags: Record<string, string>;
}
/** A registered task definition as the API returns it (the request's fields plus ARN, revision, status). */
export interface EcsTaskDefinition {
  family: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  registeredAt: number;
  deregisteredAt?: number;
  tags: Record<string, string>;
  /** The definition as registered (containerDefinitions, cpu, memory, roles...). */
  body: Record<string, unknown>;
}
export interface EcsContainerState {
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  essential: boolean;
  /** The GPUs the container was given on an EC2 instance. */
  gpuIds?: string[];
}
export type EcsTaskStatus = 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED';
export interface EcsTask {
  arn: string;
  id: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy?: string;
  launchType: string;
  capacityProviderName?: string;
  cpu?: string;
  memory?: string;
  lastStatus: EcsTaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  containers: EcsContainerState[];
  overrides: Record<string, unknown>;
  /** What the simulation does next and when (epoch ms): the reconciler resumes from this after a restart. */
  nextAt?: number;
  /** The fate decided at launch: run until stopped, exit with a code, or fail to start. */
  plan: { kind: 'serve' } | { kind: 'exit'; exitCode: number; reason?: string; stopCode: string } | { kind: 'fail'; reason: string; stopCode: string };
  serviceArn?: string;
  deploymentId?: string;
  tags: Record<string, string>;
  privateIp: string;
  availabilityZone: string;
  /** The awsvpc network the task's ENI is in (subnets, security groups, public IP). */
  network?: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean };
  /** Cloud Map services (ARNs) the task registers in while it runs. */
  registries?: string[];
  /** Files written into the task's volumes (by volume and path inside it): size, digest, mode, owner — never the bytes. */
  files?: { volume: string; path: string; size: number; sha256: string; mode: string; owner: string }[];
  /** Per container: how the hosts in its env and command resolved when it started. */
  resolved?: Record<string, Resolution[]>;
  /** The service scheduler has counted this task's failure. */
  failureCounted?: boolean;
  /** EC2 capacity providers: the container instance (and its EC2 instance) the task was placed on, and the GPUs it holds. */
  containerInstanceArn?: string;
  ec2InstanceId?: string;
  gpuIds?: string[];
  /** Waiting in PROVISIONING for an EC2 capacity provider's instance with room (since createdAt). */
  awaitingCapacity?: boolean;
}
export interface EcsDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}
export interface EcsServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}
export interface EcsService {
  name: string;
  arn: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  createdAt: number;
  deployments: EcsDeployment[];
  events: EcsServiceEvent[];
  /** The request's remaining settings, echoed back (network, load balancers, registries, circuit breaker...). */
  config: Record<string, unknown>;
  tags: Record<string, string>;
  /** When the last steady-state event was written, so it is not repeated. */
  steadySince?: number;
  /** Earliest time the scheduler may start tasks again (backoff after failures). */
  nextLaunchAt?: number;
  /** The task definition of the last deployment that completed (the circuit breaker's rollback target). */
  lastCompletedTaskDefinition?: string;
  /** Ids of deployments the circuit breaker failed (the latest few), so waiters learn the outcome after a rollback. */
  failedDeployments?: string[];
  /** The last "unable to place a task" event, so a waiting task does not repeat it. */
  placementEvent?: string;
}

// ---- ECR ----
export interface EcrImage {
  digest: string;
  tags: string[];
  pushedAt: number;
  sizeInBytes: number;
  manifest: string;
  mediaType: string;
}
export interface EcrRepository {
  name: string;
  arn: string;
  uri: string;
  registryId: string;
  createdAt: number;
  tagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryptionType: string;
  lifecyclePolicy?: string;
  /** When the lifecycle policy last ran (`runImageLifecycle`); absent: never, as GetLifecyclePolicy's epoch 0 says. */
  lifecycleEvaluatedAt?: number;
  /** The last StartLifecyclePolicyPreview: the policy it tried and what it would expire. */
  lifecyclePreview?: EcrLifecyclePreview;
  policy?: string;
  tags: Record<string, string>;
  images: EcrImage[];
}
/** An image a lifecycle policy expires (or would, in a preview), and the rule that does it. */
export interface EcrLifecycleExpiry {
  digest: string;
  tags: string[];
  pushedAt: number;
  rulePriority: number;
}
export interface EcrLifecyclePreview {
  policyText: string;
  startedAt: number;
  expiring: EcrLifecycleExpiry[];
}
export interface EcrPullThroughCacheRule {
  prefix: string;
  upstreamUrl: string;
  /** ECR's name for the upstream (`ecr-public`, `docker-hub`...); absent in states saved before it was kept. */
  upstreamRegistry?: string;
  createdAt: number;
  credentialArn?: string;
}

// ---- CloudFormation ----
export interface StackEvent {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId: string;
  resourceType: string;
  timestamp: number;
  status: string;
  reason?: string;
  properties?: string;
  clientRequestToken?: string;
}
export interface StackResource {
  logicalId: string;
  type: string;
  physicalId: string;
  status: string;
  reason?: string;
  updatedAt: number;
  /** Properties after intrinsic functions (dynamic references left unresolved, so no secret is stored). */
  properties: Record<string, unknown>;
  attributes: Record<string, unknown>;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
  dependsOn: string[];
  metadata?: unknown;
  /** The operation whose step for this resource finished (so a resumed operation skips it). */
  opId?: string;
}
export interface StackParameter {
  key: string;
  value: string;
  resolvedValue?: string;
  noEcho: boolean;
}
export interface StackOutput {
  key: string;
  value: string;
  description?: string;
  exportName?: string;
}
export interface ChangeSetRecord {
  id: string;
  name: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  status: 'CREATE_PENDING' | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'DELETE_COMPLETE' | 'FAILED';
  statusReason?: string;
  executionStatus: 'UNAVAILABLE' | 'AVAILABLE' | 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | 'OBSOLETE';
  createdAt: number;
  description?: string;
  templateBody: string;
  parameters: StackParameter[];
  capabilities: string[];
  tags: Record<string, string>;
  changes: unknown[];
}
/** What an update did to one resource, so a rollback can undo it. */
export interface JournalEntry {
  kind: 'created' | 'updated' | 'replaced';
  /** The resource as it was before (updated or replaced). */
  previous?: StackResource;
  /** The step failed (nothing to undo for a failed creation). */
  failed?: boolean;
  /** The rollback has undone this entry. */
  reverted?: boolean;
}
/** The operation running on a stack, persisted so it resumes after a restart. */
export interface StackOperation {
  id: string;
  kind: 'CREATE' | 'UPDATE' | 'DELETE' | 'ROLLBACK' | 'UPDATE_ROLLBACK';
  startedAt: number;
  phase: 'main' | 'cleanup';
  clientRequestToken?: string;
  /** DeleteStack's RetainResources. */
  retain?: string[];
  /** ContinueUpdateRollback's ResourcesToSkip. */
  skip?: string[];
  journal: Record<string, JournalEntry>;
  /** Logical ids that failed, and the verb for the stack's reason ("create", "update", "delete"). */
  failures: string[];
  failureVerb?: string;
  changeSetId?: string;
}
export interface Stack {
  id: string;
  name: string;
  status: string;
  statusReason?: string;
  createdAt: number;
  updatedAt?: number;
  deletedAt?: number;
  description?: string;
  templateBody: string;
  parameters: StackParameter[];
  /** Template and parameters before the running update, for rollback. */
  previous?: { templateBody: string; parameters: StackParameter[]; resources: Record<string, StackResource>; outputs: StackOutput[]; tags: Record<string, string> };
  capabilities: string[];
  tags: Record<string, string>;
  outputs: StackOutput[];
  resources: Record<string, StackResource>;
  /** Old physical resources replaced during an update, deleted in the cleanup phase. */
  replaced: { logicalId: string; resource: StackResource }[];
  events: StackEvent[];
  disableRollback: boolean;
  /** CreateStack's OnFailure=DELETE: delete the stack once a failed creation has rolled back. */
  deleteOnFailure?: boolean;
  terminationProtection: boolean;
  changeSets: ChangeSetRecord[];
  operation?: StackOperation;
  roleArn?: string;
  notificationArns: string[];
}

/** Resources without an API of their own in the sandbox (VPCs, roles, load balancers, databases...), kept for tags and inventory. */
export interface GenericResource {
  arn: string;
  type: string;
  physicalId: string;
  region: string;
  tags: Record<string, string>;
  createdAt: number;
  attributes: Record<string, unknown>;
  /** Properties as created (secrets never stored: dynamic references stay unresolved). */
  properties: Record<string, unknown>;
  /** A database or cache: which data it holds. */
  data?: StoreData;
  /** A database or cache snapshot: what it captured. */
  snapshot?: SnapshotData;
}

/** The data a database or cache holds, as a lineage: a snapshot captures it, a restore carries it. */
export interface StoreData {
  /** Fresh for a store created empty; the snapshot's for a store restored from one. */
  dataId: string;
  /** The snapshot the store was restored from. */
  restoredFrom?: string;
  /** When the store finishes creating (epoch ms). */
  availableAt: number;
  /** Settings a restore inherits from the snapshot (engine, master user, encryption...). */
  inherited?: Record<string, unknown>;
}

/** What a snapshot captured of its store, and when it is complete. */
export interface SnapshotData {
  dataId: string;
  /** Running tasks that could write to the store when the snapshot was taken (writes after it are not in it). */
  clientsAtSnapshot: number;
  /** The DB instance or replication group it was taken of. */
  source: string;
  /** When it turns `available` (epoch ms); `creating` before. */
  readyAt: number;
  /** The store's settings a restore inherits. */
  settings: Record<string, unknown>;
}

/** EventBridge rules (from the project stack) that forward ECS state changes to a log group. */
export interface EventRule {
  name: string;
  arn: string;
  pattern?: Record<string, unknown>;
  state: string;
  targets: { id: string; arn: string }[];
}

/** A CodeBuild project (what CreateProject or AWS::CodeBuild::Project made). */
export interface CodeBuildProject {
  name: string;
  arn: string;
  description?: string;
  serviceRole: string;
  source: { type: string; buildspec?: string };
  artifacts: { type: string };
  environment: { type: string; image: string; computeType: string; privilegedMode: boolean; environmentVariables: CodeBuildVariable[] };
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  logs: { status: 'ENABLED' | 'DISABLED'; groupName?: string; streamName?: string };
  tags: Record<string, string>;
  created: number;
  lastModified: number;
  /** Builds started so far (the next build number is one more). */
  buildCount: number;
}

export interface CodeBuildVariable {
  name: string;
  value: string;
  type: 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';
}

export interface CodeBuildPhase {
  phaseType: string;
  phaseStatus?: 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'IN_PROGRESS' | 'STOPPED';
  startTime: number;
  endTime?: number;
  contexts?: { statusCode: string; message: string }[];
}

/** One build: its phases as they ran, and where the simulation resumes after a restart. */
export interface CodeBuildBuild {
  id: string;
  arn: string;
  buildNumber: number;
  projectName: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'STOPPED';
  currentPhase: string;
  phases: CodeBuildPhase[];
  startTime: number;
  endTime?: number;
  /** The project's variables with the overrides applied (Parameter Store ones hold the parameter name, never its value). */
  variables: CodeBuildVariable[];
  environment: CodeBuildProject['environment'];
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  logs?: { groupName: string; streamName: string };
  initiator: string;
  stopRequested?: boolean;
  /** Log lines written so far, and when the current phase began: a restart re-runs the phase without writing its lines twice. */
  linesWritten: number;
  phaseLines?: number;
}

/** One Route 53 record set, as ListResourceRecordSets returns it (name lower case, absolute). */
export interface RecordSet {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  setIdentifier?: string;
  /** Routing fields echoed back (Weight, Region, Failover, MultiValueAnswer, HealthCheckId). */
  routing?: Record<string, string | number | boolean>;
}

/** A public hosted zone made through the Route 53 API or AWS::Route53::HostedZone (Cloud Map's private zones stay with their namespaces). */
export interface HostedZone {
  id: string;
  /** Absolute and lower case: `example.com.` */
  name: string;
  callerReference: string;
  comment?: string;
  createdAt: number;
  nameServers: string[];
  records: RecordSet[];
  tags: Record<string, string>;
}

/** A change batch (or zone creation), for GetChange. */
export interface DnsChange {
  id: string;
  submittedAt: number;
  comment?: string;
}

/** An ACM certificate: its names, how ownership is proven, and where validation stands. */
export interface AcmCertificate {
  arn: string;
  domainName: string;
  /** Every name in the certificate, the domain name first. */
  names: string[];
  validationMethod: 'DNS' | 'EMAIL';
  /** Per name, the domain whose owner approves (email validation). */
  validationDomains: Record<string, string>;
  status: 'PENDING_VALIDATION' | 'ISSUED' | 'VALIDATION_TIMED_OUT';
  createdAt: number;
  /** When every validation record was first visible (ACM issues a little later). */
  recordsSeenAt?: number;
  issuedAt?: number;
  serial?: string;
  keyAlgorithm: string;
  transparencyLogging: 'ENABLED' | 'DISABLED';
  idempotencyToken?: string;
  tags: Record<string, string>;
}

/** A Secrets Manager secret: its versions by id, each with its staging labels (AWSCURRENT, AWSPREVIOUS). */
export interface SmSecret {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Record<string, string>;
  createdAt: number;
  lastChangedAt: number;
  /** Day precision, as AWS reports it. */
  lastAccessedAt?: number;
  /** When DeleteSecret scheduled it, and when the recovery window ends. */
  deletedAt?: number;
  deletionDate?: number;
  versions: Record<string, { secretString?: string; secretBinary?: string; stages: string[]; createdAt: number }>;
}

/** A role session the sandbox issued (`sandbox.roleCredentials`): the temporary keys a task role's credentials would be. */
export interface RoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  roleArn: string;
  sessionName: string;
  issuedAt: number;
}

/** A record in DNS outside this AWS account (the user's registrar or DNS host): what ACM sees when no Route 53 zone answers. */
export interface OutsideDnsRecord {
  name: string;
  type: string;
  value: string;
}

export interface SandboxState {
  format: 1;
  createdAt: number;
  s3: { buckets: Map<string, S3Bucket> };
  ssm: { parameters: Map<string, SsmParameter> };
  logs: { groups: Map<string, LogGroup>; policies: Map<string, LogResourcePolicy> };
  ecs: { clusters: Map<string, EcsCluster>; taskDefinitions: Map<string, EcsTaskDefinition[]>; tasks: Map<string, EcsTask>; services: Map<string, EcsService> };
  ecr: { repositories: Map<string, EcrRepository>; pullThroughCacheRules: Map<string, EcrPullThroughCacheRule> };
  cloudformation: { stacks: Map<string, Stack> };
  resources: Map<string, GenericResource>;
  events: { rules: Map<string, EventRule> };
  /** Applied Service Quotas values by `<region>/<service code>/<quota code>`; null: AWS exposes no applied value for it. */
  quotas: { applied: Map<string, number | null> };
  /** Files kept on EFS, by `<file system>:<folder>` and path inside it (size and digest only). */
  efs: { files: Map<string, StoredFile[]> };
  codebuild: { projects: Map<string, CodeBuildProject>; builds: Map<string, CodeBuildBuild> };
  route53: { zones: Map<string, HostedZone>; changes: Map<string, DnsChange> };
  /** `salt` makes validation records random-looking yet the same for a domain every time, as ACM's are. */
  acm: { certificates: Map<string, AcmCertificate>; salt: string };
  /** DNS outside the account, by `<name>|<type>`. */
  outsideDns: { records: Map<string, OutsideDnsRecord> };
  secretsmanager: { secrets: Map<string, SmSecret> };
  /** EC2 instances (launched by Auto Scaling groups) and launch templates by id. */
  ec2: { instances: Map<string, Ec2Instance>; launchTemplates: Map<string, LaunchTemplate> };
  /** Auto Scaling groups by name, and every scaling activity (deleted groups' too), oldest first. */
  autoscaling: { groups: Map<string, AutoScalingGroup>; activities: AutoScalingActivity[] };
  /** ECS capacity providers backed by Auto Scaling groups, by name (FARGATE and FARGATE_SPOT are built in). */
  ecsCapacity: { providers: Map<string, EcsCapacityProvider> };
  /** Role sessions issued by `roleCredentials`, by access key id. */
  iam: { sessions: Map<string, RoleSession> };
  /** Bedrock model access by model id: the knob's states, and third-party subscriptions a first call made. */
  bedrock: { access: Map<string, ModelAccessState> };
}

// ---- EC2 instances, Auto Scaling groups, ECS capacity providers ----
export interface LaunchTemplateVersion {
  number: number;
  /** LaunchTemplateData as CloudFormation passed it (dynamic references resolved: an AMI id is no secret). */
  data: Record<string, unknown>;
  createdAt: number;
}
export interface LaunchTemplate {
  id: string;
  name: string;
  createdAt: number;
  defaultVersion: number;
  versions: LaunchTemplateVersion[];
  tags: Record<string, string>;
}
/** What the ECS agent on an instance registered (a container instance). */
export interface EcsContainerInstance {
  arn: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  registeredAt: number;
  capacityProviderName?: string;
  /** CPU units and MiB the agent offers tasks, and the GPU ids it registered. */
  cpu: number;
  memory: number;
  gpuIds: string[];
  version: number;
}
export interface Ec2Instance {
  id: string;
  type: string;
  imageId: string;
  subnetId?: string;
  availabilityZone: string;
  privateIp: string;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated';
  market: 'on-demand' | 'spot';
  launchedAt: number;
  /** When the instance is running (pending until then), when its agent registers, when a termination ends. */
  runningAt: number;
  registerAt: number;
  terminateAt?: number;
  terminatedAt?: number;
  launchTemplate?: { id: string; name: string; version: string };
  autoScalingGroup?: string;
  /** The user data script, decoded (the agent reads ECS_CLUSTER and friends from it). */
  userData: string;
  securityGroups: string[];
  /** GPUs the instance has (`GPU-<uuid>`), whether or not the agent registers them. */
  gpuIds: string[];
  tags: Record<string, string>;
  containerInstance?: EcsContainerInstance;
  /** Why the agent could not register (a named cluster that does not exist): it keeps retrying. */
  registrationProblem?: string;
  /** Since when the instance holds no task, for managed scale-in. */
  idleSince?: number;
  /** A public address when the subnet or launch template gives one (its traffic then needs no NAT). */
  publicIp?: string;
}
export interface AutoScalingActivity {
  id: string;
  groupName: string;
  groupArn: string;
  description: string;
  cause: string;
  startTime: number;
  endTime?: number;
  statusCode: 'PreInService' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelled' | 'WaitingForInstanceId';
  statusMessage?: string;
  progress: number;
  details: string;
  /** The instance the activity launches or terminates. */
  instanceId?: string;
}
export interface AutoScalingGroup {
  name: string;
  arn: string;
  createdAt: number;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  launchTemplate: { id: string; version: string };
  subnets: string[];
  availabilityZones: string[];
  tags: { key: string; value: string; propagateAtLaunch: boolean }[];
  newInstancesProtectedFromScaleIn: boolean;
  healthCheckType: string;
  healthCheckGracePeriod: number;
  defaultCooldown: number;
  status?: 'Delete in progress';
  /** Why the last launch failed and when the group tries again (it backs off). */
  launchBlock?: { problem: string; retryAt: number; attempts: number };
  /** Who changed the desired capacity last, as an activity's cause tells it. */
  desiredCause?: string;
}
export interface EcsCapacityProvider {
  name: string;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  /** The group as CreateCapacityProvider was given it (an ARN or a name), and its name. */
  autoScalingGroupArn: string;
  groupName: string;
  managedScaling: { status: 'ENABLED' | 'DISABLED'; targetCapacity: number; minimumScalingStepSize: number; maximumScalingStepSize: number; instanceWarmupPeriod: number };
  managedTerminationProtection: 'ENABLED' | 'DISABLED';
  managedDraining: 'ENABLED' | 'DISABLED';
  createdAt: number;
  tags: Record<string, string>;
  /** Ids in the names of ECS's scaling policy and alarms, which the group's activities cite. */
  policyId: string;
  alarmId: string;
}

/** A file a simulated program wrote: never its bytes. */
export interface StoredFile {
  path: string;
  size: number;
  sha256: string;
  mode: string;
  owner: string;
}

/** A fresh, empty sandbox. */
export function emptyState(): SandboxState {
  return {
    format: 1,
    createdAt: Date.now(),
    s3: { buckets: new Map() },
    ssm: { parameters: new Map() },
    logs: { groups: new Map(), policies: new Map() },
    ecs: { clusters: new Map(), taskDefinitions: new Map(), tasks: new Map(), services: new Map() },
    ecr: { repositories: new Map(), pullThroughCacheRules: new Map() },
    cloudformation: { stacks: new Map() },
    resources: new Map(),
    events: { rules: new Map() },
    quotas: { applied: new Map() },
    efs: { files: new Map() },
    codebuild: { projects: new Map(), builds: new Map() },
    route53: { zones: new Map(), changes: new Map() },
    acm: { certificates: new Map(), salt: randomBytes(16).toString('hex') },
    outsideDns: { records: new Map() },
    secretsmanager: { secrets: new Map() },
    ec2: { instances: new Map(), launchTemplates: new Map() },
    autoscaling: { groups: new Map(), activities: [] },
    ecsCapacity: { providers: new Map() },
    iam: { sessions: new Map() },
    bedrock: { access: new Map() },
  };
}

/** The state file's name inside the data folder. */
export const STATE_FILE = 'sandbox-state.bin';

/** Where the state of a data folder lives. */
export function stateFile(dataDir: string): string {
  return join(dataDir, STATE_FILE);
}

/** Loads the state from the data folder; a missing or unreadable file starts empty (an unreadable one is kept aside). */
export async function loadState(dataDir: string): Promise<SandboxState> {
  const file = stateFile(dataDir);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  try {
    const value = deserialize(bytes) as Partial<SandboxState>;
    if (value.format !== 1) throw new Error('unknown format');
    // Fill collections added since the file was written.
    return { ...emptyState(), ...value } as SandboxState;
  } catch {
    // Never crash on a corrupt file, never silently lose it either: keep it next to the new one.
    await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
    return emptyState();
  }
}

/** Writes the state atomically: a crash leaves either the old file or the new one, never half of one. */
export async function saveState(dataDir: string, state: SandboxState): Promise<void> {
  const file = stateFile(dataDir);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, serialize(state), { mode: 0o600 });
  await rename(temp, file);
}

/** Deletes the state file (reset). */
export async function deleteState(dataDir: string): Promise<void> {
  await rm(stateFile(dataDir), { force: true });
}
