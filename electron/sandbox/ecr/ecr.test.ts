import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  LayersNotFoundException,
  PutImageCommand,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateStackCommand, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { buildContext } from '../testing/context';
import { createBuilder, runImageBuild } from '../testing/builds';

const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Berth's rollback policy: keep- tags are never expired, untagged images go after a day, then the newest `count` of the rest stay. */
function keepPolicy(count: number): string {
  return JSON.stringify({
    rules: [
      { rulePriority: 1, description: 'Images a kept deployment uses', selection: { tagStatus: 'tagged', tagPrefixList: ['keep-'], countType: 'imageCountMoreThan', countNumber: 9999 }, action: { type: 'expire' } },
      { rulePriority: 2, description: 'Untagged images go after a day', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } },
      { rulePriority: 3, description: 'Keep the newest images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: count }, action: { type: 'expire' } },
    ],
  });
}

describe('sandbox ECR images and lifecycle policies', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  const built: Record<string, { manifest: string; mediaType: string; digest: string }> = {};

  /** Builds `<repository>:<tag>` with a real sandbox build and keeps its manifest. */
  async function build(repository: string, tag: string, body: string): Promise<void> {
    const image = `${REGISTRY}/${repository}:${tag}`;
    const out = await runImageBuild({ sb, c }, 'berth-ecr-tests', { key: `uploads/${repository}/${tag}.tar.gz`, context: await buildContext({ Dockerfile: 'FROM node:20-alpine\nCOPY . /app\n', 'index.js': body }), image });
    expect(out.build.buildStatus, out.log.join('\n')).toBe('SUCCEEDED');
    const got = await c.ecr.send(new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    const found = got.images![0]!;
    built[`${repository}:${tag}`] = { manifest: found.imageManifest!, mediaType: found.imageManifestMediaType!, digest: found.imageId!.imageDigest! };
  }

  /** Another manifest over the same config and layers (a new digest ECR accepts, as `crane mutate` makes one). */
  function variant(of: string, n: string): string {
    const m = JSON.parse(built[of]!.manifest) as { annotations: Record<string, string> };
    return JSON.stringify({ ...m, annotations: { ...m.annotations, 'org.opencontainers.image.revision': n } });
  }

  /** Runs `fn` with the process clock (the sandbox's too) at `ms`, so pushes get that time. */
  async function atTime<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(ms);
    try {
      return await fn();
    } finally {
      vi.useRealTimers();
    }
  }

  async function tagsByDigest(repositoryName: string): Promise<Map<string, string[]>> {
    const details = (await c.ecr.send(new DescribeImagesCommand({ repositoryName }))).imageDetails!;
    return new Map(details.map((d) => [d.imageDigest!, [...(d.imageTags ?? [])].sort()]));
  }

  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'berth' }));
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/berth/app' }));
    for (const repositoryName of ['berth/app', 'berth/rollback', 'berth/docs', 'berth/docs2']) await c.ecr.send(new CreateRepositoryCommand({ repositoryName }));
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'berth/locked', imageTagMutability: 'IMMUTABLE' }));
    await createBuilder({ sb, c }, 'berth-ecr-tests');
    await build('berth/app', 'v1', 'one');
    await build('berth/app', 'v2', 'two');
    await build('berth/locked', 'v1', 'locked');
    await build('berth/rollback', 'seed', 'seed');
    await build('berth/docs', 'seed', 'docs');
    await build('berth/docs2', 'seed', 'docs2');
  }, 120_000);
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('retags an image with PutImage (BatchGetImage manifest, new tag) and a task pulls it by the new tag', async () => {
    const v1 = built['berth/app:v1']!;
    const put = await c.ecr.send(new PutImageCommand({ repositoryName: 'berth/app', imageManifest: v1.manifest, imageManifestMediaType: v1.mediaType, imageTag: 'keep-v1' }));
    expect(put.image).toMatchObject({ registryId: '000000000000', repositoryName: 'berth/app', imageId: { imageDigest: v1.digest, imageTag: 'keep-v1' }, imageManifest: v1.manifest });
    expect((await tagsByDigest('berth/app')).get(v1.digest)).toEqual(['keep-v1', 'v1']);
    const got = await c.ecr.send(new BatchGetImageCommand({ repositoryName: 'berth/app', imageIds: [{ imageTag: 'keep-v1' }] }));
    expect(got.images![0]!.imageId).toEqual({ imageDigest: v1.digest, imageTag: 'keep-v1' });

    await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'kept',
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
        containerDefinitions: [{ name: 'web', image: `${REGISTRY}/berth/app:keep-v1`, essential: true, portMappings: [{ containerPort: 80 }], logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/berth/app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'kept' } } }],
      }),
    );
    const run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: 'kept', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } } }));
    await sb.settle();
    const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task.lastStatus, task.stoppedReason).toBe('RUNNING');
    await c.ecs.send(new StopTaskCommand({ cluster: 'berth', task: task.taskArn! }));
    await sb.settle();
  });

  it('refuses the PutImage calls ECR refuses, with its exceptions and words', async () => {
    const v1 = built['berth/app:v1']!;
    const put = (extra: { imageTag?: string; imageManifest?: string; imageDigest?: string; repositoryName?: string }) =>
      c.ecr.send(new PutImageCommand({ repositoryName: 'berth/app', imageManifest: v1.manifest, imageManifestMediaType: v1.mediaType, ...extra }));
    // The same tag on the same digest: nothing to record.
    const again = put({ imageTag: 'v1' });
    await expect(again).rejects.toBeInstanceOf(ImageAlreadyExistsException);
    await expect(again).rejects.toThrow(`Image with digest '${v1.digest}' and tag 'v1' already exists in the repository with name 'berth/app' in registry with id '000000000000'`);
    await expect(put({ imageTag: 'not a tag' })).rejects.toThrow("Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_.]+''");
    await expect(put({ imageTag: 'x'.repeat(301) })).rejects.toThrow("Invalid parameter at 'imageTag' failed to satisfy constraint: 'Member must have length less than or equal to 300'");
    await expect(put({ imageTag: 'x'.repeat(300) })).resolves.toBeDefined();
    await expect(put({ imageManifest: 'not json', imageTag: 'broken' })).rejects.toThrow("Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'");
    await expect(put({ imageTag: 'wrong-digest', imageDigest: built['berth/app:v2']!.digest })).rejects.toBeInstanceOf(ImageDigestDoesNotMatchException);
    // A manifest naming a layer this repository does not hold.
    const foreign = JSON.parse(v1.manifest) as { layers: { digest: string }[] };
    foreign.layers.push({ ...foreign.layers[0]!, digest: `sha256:${'0'.repeat(64)}` });
    const missing = put({ imageManifest: JSON.stringify(foreign), imageTag: 'foreign' });
    await expect(missing).rejects.toBeInstanceOf(LayersNotFoundException);
    await expect(missing).rejects.toThrow(`Layers with digests '[sha256:${'0'.repeat(64)}]' required for pushing image into repository with name 'berth/app' in the registry with id '000000000000' do not exist`);
    // The config and layers of berth/app are not in berth/rollback.
    await expect(put({ repositoryName: 'berth/rollback', imageTag: 'copied' })).rejects.toBeInstanceOf(LayersNotFoundException);

    // MUTABLE: a tag on another image moves; IMMUTABLE: it is refused, even for the digest it names.
    await c.ecr.send(new PutImageCommand({ repositoryName: 'berth/app', imageManifest: built['berth/app:v2']!.manifest, imageTag: 'latest' }));
    await c.ecr.send(new PutImageCommand({ repositoryName: 'berth/app', imageManifest: v1.manifest, imageTag: 'latest' }));
    const tags = await tagsByDigest('berth/app');
    expect(tags.get(v1.digest)).toContain('latest');
    expect(tags.get(built['berth/app:v2']!.digest)).not.toContain('latest');
    const locked = built['berth/locked:v1']!;
    const immutable = c.ecr.send(new PutImageCommand({ repositoryName: 'berth/locked', imageManifest: locked.manifest, imageTag: 'v1' }));
    await expect(immutable).rejects.toBeInstanceOf(ImageTagAlreadyExistsException);
    await expect(immutable).rejects.toThrow("The image tag 'v1' already exists in the 'berth/locked' repository and cannot be overwritten because the repository is immutable.");
    await expect(c.ecr.send(new PutImageCommand({ repositoryName: 'berth/locked', imageManifest: locked.manifest, imageTag: 'keep-v1' }))).resolves.toBeDefined();
  });

  it('deletes one tag of several with BatchDeleteImage, the whole image by digest, and lists failures in ECR codes', async () => {
    const v2 = built['berth/app:v2']!;
    for (const imageTag of ['keep-a', 'keep-b']) await c.ecr.send(new PutImageCommand({ repositoryName: 'berth/app', imageManifest: v2.manifest, imageTag }));
    const one = await c.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'berth/app', imageIds: [{ imageTag: 'keep-a' }] }));
    expect(one.imageIds).toEqual([{ imageDigest: v2.digest, imageTag: 'keep-a' }]);
    expect(one.failures).toEqual([]);
    expect((await tagsByDigest('berth/app')).get(v2.digest)).toEqual(['keep-b', 'v2']);
    const got = await c.ecr.send(new BatchGetImageCommand({ repositoryName: 'berth/app', imageIds: [{ imageTag: 'v2' }, { imageTag: 'keep-a' }] }));
    expect(got.images!.map((i) => i.imageId)).toEqual([{ imageDigest: v2.digest, imageTag: 'v2' }]);
    expect(got.failures).toEqual([{ imageId: { imageTag: 'keep-a' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);

    const failed = await c.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'berth/app', imageIds: [{ imageTag: 'gone' }, {}, { imageDigest: 'sha256:zz' }, { imageDigest: built['berth/app:v1']!.digest, imageTag: 'keep-b' }] }),
    );
    expect(failed.imageIds).toEqual([]);
    expect(failed.failures).toEqual([
      { imageId: { imageTag: 'gone' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      { imageId: {}, failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' },
      { imageId: { imageDigest: 'sha256:zz' }, failureCode: 'InvalidImageDigest', failureReason: "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'" },
      { imageId: { imageDigest: built['berth/app:v1']!.digest, imageTag: 'keep-b' }, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: 'Invalid request parameters: given tag does not map to the given digest' },
    ]);
    await expect(c.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'berth/app', imageIds: [] }))).rejects.toThrow("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length greater than or equal to 1'");

    const whole = await c.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'berth/app', imageIds: [{ imageDigest: v2.digest }] }));
    expect(whole.imageIds!.map((i) => i.imageTag).sort()).toEqual(['keep-b', 'v2']);
    expect((await tagsByDigest('berth/app')).has(v2.digest)).toBe(false);
  });

  it('refuses lifecycle policies ECR refuses, in its words, through the API and CloudFormation', async () => {
    const rule = (selection: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ rulePriority: 1, description: 'a rule long enough for the 100-character minimum', selection, action: { type: 'expire' }, ...extra });
    const untagged = { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 };
    const any = { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 };
    const refused: [unknown, string][] = [
      ['{"rules":[]}', "Invalid parameter at 'lifecyclePolicyText' failed to satisfy constraint: 'Member must have length greater than or equal to 100'"],
      [`{"rules": [${' '.repeat(100)}`, 'Could not map policyString into LifecyclePolicy.'],
      [{ rules: [rule(untagged), rule(any)] }, 'Rule priorities must be unique'],
      [{ rules: [rule(untagged), rule({ ...untagged, countNumber: 2 }, { rulePriority: 2 })] }, 'Only one rule can select Untagged images per storage class.'],
      [{ rules: [rule(any), rule(untagged, { rulePriority: 2 })] }, 'Rule for tagStatus=ANY must have the lowest priority per storage class'],
      [{ rules: [rule({ tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 })] }, 'Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.'],
      [{ rules: [rule({ ...any, countUnit: 'days' })] }, 'instance failed to match exactly one schema (matched 0 out of 2)'],
      [{ rules: [rule({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 1 })] }, 'instance failed to match exactly one schema (matched 0 out of 2)'],
      [{ rules: [rule({ ...any, countNumber: 0 })] }, 'numeric instance is lower than the required minimum (minimum: 1, found: 0)'],
      [{ rules: [rule(any, { action: { type: 'delete' } })] }, 'instance value ("delete") not found in enum (possible values: ["expire","transition"])'],
      [{ rules: [rule(any, { priority: 1 })] }, 'object instance has properties which are not allowed by the schema: (["priority"])'],
      [{ rules: [{ rulePriority: 1, description: 'no selection, and long enough for the minimum length check', action: { type: 'expire' } }] }, 'object has missing required properties (["selection"])'],
      [{ rules: [rule({ ...any, tagPrefixList: null })] }, 'instance type (null) does not match any allowed primitive type (allowed: ["array"])'],
    ];
    for (const [policy, message] of refused) {
      const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
      const call = c.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'berth/app', lifecyclePolicyText: text }));
      await expect(call, text).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(call, text).rejects.toThrow(message.startsWith('Invalid parameter') ? message : `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${message}`);
    }
    await c.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'berth/app', lifecyclePolicyText: keepPolicy(10) }));
    const stored = await c.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'berth/app' }));
    expect(stored.lifecyclePolicyText).toBe(keepPolicy(10));
    expect(stored.lastEvaluatedAt!.getTime()).toBe(0);

    const bad = JSON.stringify({ rules: [rule(any), rule(untagged, { rulePriority: 2 })] });
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'bad-lifecycle', TemplateBody: JSON.stringify({ Resources: { Repo: { Type: 'AWS::ECR::Repository', Properties: { RepositoryName: 'berth/bad', LifecyclePolicy: { LifecyclePolicyText: bad } } } } }) }));
    await sb.settle();
    const events = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'bad-lifecycle' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Repo' && e.ResourceStatus === 'CREATE_FAILED')!.ResourceStatusReason).toContain('Rule for tagStatus=ANY must have the lowest priority per storage class');
  });

  it("keeps the images Berth's keep rule protects, expires exactly the rest beyond the newest 10 and untagged images older than a day", async () => {
    const now = Date.now();
    const base = now - 40 * DAY;
    const digests: string[] = [];
    // 30 tagged images an hour apart, t00 the oldest; keep- tags on three of the oldest.
    for (let n = 0; n < 30; n++) {
      const name = `t${String(n).padStart(2, '0')}`;
      const out = await atTime(base + n * HOUR, () => c.ecr.send(new PutImageCommand({ repositoryName: 'berth/rollback', imageManifest: variant('berth/rollback:seed', name), imageTag: name })));
      digests.push(out.image!.imageId!.imageDigest!);
    }
    for (const n of [1, 3, 5]) {
      const m = (await c.ecr.send(new BatchGetImageCommand({ repositoryName: 'berth/rollback', imageIds: [{ imageDigest: digests[n]! }] }))).images![0]!;
      await c.ecr.send(new PutImageCommand({ repositoryName: 'berth/rollback', imageManifest: m.imageManifest!, imageManifestMediaType: m.imageManifestMediaType!, imageTag: `keep-t0${n}` }));
    }
    // Two untagged images: three days old and two hours old.
    const oldUntagged = (await atTime(now - 3 * DAY, () => c.ecr.send(new PutImageCommand({ repositoryName: 'berth/rollback', imageManifest: variant('berth/rollback:seed', 'u-old') })))).image!.imageId!.imageDigest!;
    const newUntagged = (await atTime(now - 2 * HOUR, () => c.ecr.send(new PutImageCommand({ repositoryName: 'berth/rollback', imageManifest: variant('berth/rollback:seed', 'u-new') })))).image!.imageId!.imageDigest!;
    // The build's own image is not part of the story.
    await c.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'berth/rollback', imageIds: [{ imageDigest: built['berth/rollback:seed']!.digest }] }));
    await c.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'berth/rollback', lifecyclePolicyText: keepPolicy(10) }));

    // The newest 10 of all 32 are u-new, u-old and t29..t22; u-old still counts there though rule 2 expires it.
    const byRule3 = digests.filter((_d, n) => n <= 21 && ![1, 3, 5].includes(n));
    const expected = [...byRule3.map((d) => ({ digest: d, rule: 3 })), { digest: oldUntagged, rule: 2 }];

    // A preview says the same and deletes nothing.
    await c.ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'berth/rollback' }));
    const preview = await c.ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'berth/rollback' }));
    expect(preview.status).toBe('COMPLETE');
    expect(preview.summary!.expiringImageTotalCount).toBe(20);
    expect(preview.previewResults!.map((r) => ({ digest: r.imageDigest, rule: r.appliedRulePriority }))).toEqual(expected);
    expect((await tagsByDigest('berth/rollback')).size).toBe(32);

    const expired = sb.runImageLifecycle({ now }).filter((e) => e.repositoryName === 'berth/rollback');
    expect(expired.map((e) => ({ digest: e.imageDigest, rule: e.appliedRulePriority }))).toEqual(expected);
    const left = await tagsByDigest('berth/rollback');
    expect([...left.values()].map((t) => t.join(',')).sort()).toEqual(['', 'keep-t01,t01', 'keep-t03,t03', 'keep-t05,t05', 't22', 't23', 't24', 't25', 't26', 't27', 't28', 't29']);
    expect(left.has(newUntagged)).toBe(true);
    const kept = await c.ecr.send(new BatchGetImageCommand({ repositoryName: 'berth/rollback', imageIds: [{ imageTag: 'keep-t01' }] }));
    expect(kept.images![0]!.imageId!.imageDigest).toBe(digests[1]);
    expect((await c.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'berth/rollback' }))).lastEvaluatedAt!.getTime()).toBe(now);
  });

  it("expires what ECR's documented examples expire (a rule never marks what a higher rule saw)", async () => {
    const now = Date.now();
    const push = async (repositoryName: string, name: string, ageMs: number, tags: string[]) => {
      const manifest = variant(`${repositoryName}:seed`, name);
      const out = await atTime(now - ageMs, () => c.ecr.send(new PutImageCommand({ repositoryName, imageManifest: manifest, ...(tags[0] ? { imageTag: tags[0] } : {}) })));
      for (const imageTag of tags.slice(1)) await c.ecr.send(new PutImageCommand({ repositoryName, imageManifest: manifest, imageTag }));
      return out.image!.imageId!.imageDigest!;
    };
    const preview = async (rules: unknown[], repositoryName = 'berth/docs') => {
      await c.ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName, lifecyclePolicyText: JSON.stringify({ rules }) }));
      const out = await c.ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName }));
      return out.previewResults!.map((r) => r.imageDigest);
    };
    const count = (rulePriority: number, selection: Record<string, unknown>, countNumber: number) => ({ rulePriority, selection: { ...selection, countType: 'imageCountMoreThan', countNumber }, action: { type: 'expire' } });
    const dropSeed = (repositoryName: string) => c.ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds: [{ imageTag: 'seed' }] }));

    // "Filtering on multiple rules", example A: rule 2 marks A and B, but B matches rule 1's tags.
    const a = await push('berth/docs', 'A', 10 * DAY, ['beta-1', 'prod-1']);
    const b = await push('berth/docs', 'B', 9 * DAY, ['beta-2', 'prod-2']);
    await push('berth/docs', 'C', 8 * DAY, ['beta-3']);
    // The build's own image is not in the example (its blobs stay with A, B and C).
    await dropSeed('berth/docs');
    expect(await preview([count(1, { tagStatus: 'tagged', tagPrefixList: ['prod'] }, 1), count(2, { tagStatus: 'tagged', tagPrefixList: ['beta'] }, 1)])).toEqual([a]);
    // Example B, the priorities swapped: rule 1 sees all three.
    expect(await preview([count(1, { tagStatus: 'tagged', tagPrefixList: ['beta'] }, 1), count(2, { tagStatus: 'tagged', tagPrefixList: ['prod'] }, 1)])).toEqual([a, b]);
    // A pattern list needs every pattern to match one of the image's tags.
    expect(await preview([count(1, { tagStatus: 'tagged', tagPatternList: ['beta-*', 'prod-?', 'prod*'] }, 1)])).toEqual([]);
    expect(await preview([count(1, { tagStatus: 'tagged', tagPatternList: ['beta-*', '*rod-*'] }, 1)])).toEqual([a]);

    // "Filtering on all images", example B: rule 3 keeps the newest (E) and may mark only D, the one no higher rule saw.
    const all = [await push('berth/docs2', 'A', 4 * DAY, ['alpha-1', 'beta-1']), await push('berth/docs2', 'B', 3 * DAY, []), await push('berth/docs2', 'C', 2 * DAY, ['alpha-2'])];
    const d = await push('berth/docs2', 'D', DAY - HOUR, ['git-hash']);
    await push('berth/docs2', 'E', DAY - HOUR, []);
    await dropSeed('berth/docs2');
    const untaggedAfterADay = { rulePriority: 2, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } };
    const rules = [count(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'] }, 1), untaggedAfterADay, count(3, { tagStatus: 'any' }, 1)];
    expect(await preview(rules, 'berth/docs2')).toEqual([all[0], all[1], d]);
  });
});
