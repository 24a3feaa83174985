// Journey 13: an AI app — a model provider that becomes an OpenAI-compatible gateway on Amazon
// Bedrock, and a GPU service on EC2 GPU instances. Preview names the models with their token
// prices and the GPU instances with their cost; a new account's GPU quota of 0 and a model the
// account may not use yet are explained before anything is deployed; once both are fixed, it deploys.
import { join } from 'node:path';
import { expectAccessible } from './a11y';
import { expect, openProject, snap, test } from './fixtures';
import { deployFromUi, writeFiles } from './steps';

const COMPOSE = `name: studio
services:
  app:
    image: nginx:1.27
    ports: ["80:80"]
    depends_on: [chat]
  chat:
    provider:
      type: model
      options:
        model: ai/claude3-haiku
  vision:
    image: python:3.12-slim
    command: ["python", "-m", "http.server", "8000"]
    deploy:
      resources:
        reservations:
          devices:
            - capabilities: [gpu]
`;

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

test('models and GPU instances in Preview, the quota and model access explained, then deployed', async ({ appPage: page, app, sandbox }) => {
  test.setTimeout(180_000);
  sandbox.setModelAccess({ [HAIKU]: 'use-case-required' });
  const dir = join(app.workDir, 'studio');
  await writeFiles(dir, { 'compose.yaml': COMPOSE });
  await page.reload();
  await openProject(page, dir);

  await page.getByRole('link', { name: 'Preview' }).click();
  const models = page.getByRole('table', { name: 'Models' });
  const haiku = models.getByRole('row', { name: /chat/ });
  await expect(haiku).toContainText('Claude 3 Haiku (Anthropic, chat)');
  await expect(haiku).toContainText('ai/claude3-haiku');
  await expect(haiku).toContainText('us.anthropic.claude-3-haiku-20240307-v1:0');
  await expect(haiku).toContainText('$0.00025 / $0.00125');
  await expect(haiku).toContainText('gateway');
  // Anthropic's use-case form is not filled in: said before deploy, with where to fill it in.
  const access = page.getByTestId('model-access-problem');
  await expect(access).toContainText('this account cannot use Claude 3 Haiku yet');
  await expect(access).toContainText('use-case form');
  await expect(access).toContainText('https://us-east-1.console.aws.amazon.com/bedrock/home?region=us-east-1');

  const gpus = page.getByRole('table', { name: 'GPU instances' });
  const vision = gpus.getByRole('row', { name: /vision/ });
  await expect(vision).toContainText('g4dn.xlarge');
  await expect(vision).toContainText('NVIDIA T4');
  await expect(vision).toContainText(/\$0\.526\/h each · \$\d+\.\d\d a month/);
  // A new account's G-instance quota is 0 vCPUs: the alert says how much to ask for and where.
  const quota = page.getByTestId('gpu-quota-short');
  await expect(quota).toContainText('L-DB2E81BA');
  await expect(quota).toContainText('is 0 vCPUs');
  await expect(quota).toContainText('aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-DB2E81BA --desired-value 4');
  // The monthly estimate prices the instances and their disks.
  await expect(page.getByText('GPU instances for vision (g4dn.xlarge, 1 × NVIDIA T4)').first()).toBeVisible();
  await expect(page.getByText('GPU instance disks for vision').first()).toBeVisible();
  // Tokens are billed as used: the notes under the estimate say so with the model's prices.
  const notes = page.getByRole('list', { name: 'Cost notes' });
  await expect(notes).toContainText('Amazon Bedrock bills tokens as they are used, not monthly: Claude 3 Haiku $0.00025 in / $0.00125 out per 1,000 tokens');
  await expect(notes).toContainText('Affordable: Spot prices move with demand');
  // The diagram draws the GPU service with its GPU and instance type.
  const diagram = page.getByRole('img', { name: /^Architecture diagram/ });
  await expect(diagram).toContainText(/vision\s*1 GPU, g4dn\.xlarge × 1/);
  // The gateway's model is an arrow to Amazon Bedrock.
  await expect(diagram).toHaveAccessibleName(/chat → Amazon Bedrock \(traffic, Claude 3 Haiku\)/);
  await models.scrollIntoViewIfNeeded();
  await snap(page, 'preview-models-and-gpus-refused');
  await expectAccessible(page, 'Preview (models and GPUs)');

  // The user fills in the form and AWS raises the quota: Preview says both are fine now.
  sandbox.setModelAccess({ [HAIKU]: 'available' });
  sandbox.setQuotas({ ec2: { 'L-DB2E81BA': 8 } });
  await page.reload();
  await page.getByRole('link', { name: 'Preview' }).click();
  await expect(page.getByTestId('model-access-ok')).toContainText('This account may use this model in us-east-1.');
  await expect(page.getByTestId('gpu-quota-ok')).toContainText('They fit your quota: 4 of 8 vCPUs in us-east-1.');
  await expect(page.getByTestId('gpu-quota-short')).toHaveCount(0);
  await expect(page.getByRole('img', { name: /^Architecture diagram/ })).toBeVisible();
  await snap(page, 'preview-models-and-gpus-ready');

  await page.getByRole('link', { name: 'Deploy' }).click();
  const outcome = await deployFromUi(page, { shot: 'deploy-ai' });
  expect(outcome).toMatch(/Deployed|succeeded|live/i);
});
