/**
 * Compose secrets reach the container as files in /run/secrets, as compose mounts them; their
 * values are in SSM and in the task's memory only — never in the template, the task definition,
 * an event or a log line.
 */
import { createHash } from 'node:crypto';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import { ecsServiceName } from '../../electron/plan/names';
import { setConfig } from '../../electron/secrets/store';
import { clientsOf, clusterOf, deploy, sandboxAppForSuite, suiteProject } from './helpers';

const suite = sandboxAppForSuite();
const PASSWORD = 'canary-db-password-7f3a9c';
const API_KEY = 'canary-api-key-0b52e1';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const clients = () => clientsOf(suite.app);

const project = (files: Record<string, string>) => suiteProject(suite, files, 'berth-secrets-');

const COMPOSE = [
  'name: vault',
  'services:',
  '  app:',
  '    image: python:3.12-slim',
  '    command: ["python", "-m", "http.server", "8000"]',
  '    ports: ["8000:8000"]',
  '    secrets:',
  '      - db_password',
  '      - {source: api_key, target: api.key, mode: 0400}',
  'secrets:',
  '  db_password:',
  '    file: ./db_password.txt',
  '  api_key:',
  '    environment: API_KEY',
  '',
].join('\n');

describe('compose secrets as files', () => {
  it('deploys file and environment secrets, and the container sees /run/secrets/db_password with the file’s bytes', async () => {
    const dir = await project({ 'compose.yaml': COMPOSE, 'db_password.txt': PASSWORD });
    await setConfig(clients().ssm, 'vault', 'API_KEY', API_KEY);
    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');

    const cluster = await clusterOf(suite.app);
    const [arn] = (await clients().ecs.send(new ListTasksCommand({ cluster, serviceName: ecsServiceName('vault', 'app') }))).taskArns!;
    const files = suite.sandbox.taskFiles(arn!, 'app');
    expect(files).toEqual(
      expect.arrayContaining([
        { path: '/run/secrets/db_password', size: PASSWORD.length, sha256: sha(PASSWORD), mode: '0444', owner: '0:0', readOnly: true },
        { path: '/run/secrets/api.key', size: API_KEY.length, sha256: sha(API_KEY), mode: '0400', owner: '0:0', readOnly: true },
      ]),
    );
    // The writer ran first and exited; the service's own container runs.
    const task = (await clients().ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn!] }))).tasks![0]!;
    expect(task.containers!.map((c) => [c.name, c.lastStatus, c.exitCode])).toEqual(expect.arrayContaining([['berth-secrets', 'STOPPED', 0], ['app', 'RUNNING', undefined]]));

    const stored = await clients().ssm.send(new GetParameterCommand({ Name: '/Berth/vault/_files/db_password', WithDecryption: true }));
    expect(stored.Parameter).toMatchObject({ Type: 'SecureString', Value: PASSWORD });

    // The canaries appear nowhere else.
    const template = (await clients().cloudformation.send(new GetTemplateCommand({ StackName: 'berth-vault' }))).TemplateBody!;
    const definition = JSON.stringify((await clients().ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn! }))).taskDefinition);
    const logs = JSON.stringify((await clients().logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/vault' }))).events);
    const events = JSON.stringify(suite.app.events);
    for (const text of [template, definition, logs, events, JSON.stringify(record)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(API_KEY);
    }
  });

  it('names the file and line of a secret file that does not exist, and of a target outside /run/secrets', async () => {
    const dir = await project({ 'compose.yaml': COMPOSE.replace('target: api.key', 'target: /etc/app/api.key') });
    const loaded = await loadProject(dir, { env: {} });
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^secret-target-outside 9:\d+ app mounts api_key at \/etc\/app\/api\.key; Berth puts secret files in \/run\/secrets only/),
      expect.stringMatching(/^secret-file-invalid 12:11 The secret db_password reads \.\/db_password\.txt, which does not exist/),
    ]);
  });
});
