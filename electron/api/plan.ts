/** plan:* — what a deploy would create, readable before anything is paid for. */
import { resolve } from 'node:path';
import { connectionManager } from '../aws/connection';
import { storedDockerHubAccount } from '../aws/docker-hub';
import { loadProject } from '../compose/load';
import { hostedZonesOf } from '../deploy/certificates';
import { previewVpcCapacity } from '../deploy/vpc-capacity';
import { checkGpuQuota } from '../deploy/gpu-quota';
import { checkModelAccess } from '../deploy/model-access';
import { planProject } from '../plan';
import { raise } from '../../shared/result';
import type { HandlersFor } from './handler-types';

/** The region a plan is priced and templated for when the caller names none. */
export const DEFAULT_PLAN_REGION = 'us-east-1';

export const planHandlers = {
  'plan:preview': async ({ dir, mode, region }, ctx) => {
    const loaded = await loadProject(resolve(dir));
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (!loaded.project || errors.length > 0) {
      const first = errors[0];
      raise(
        'COMPOSE_INVALID',
        first
          ? `The compose project has ${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${first.message}${first.fix ? ` ${first.fix}` : ''}`
          : 'The compose project could not be loaded.',
        { diagnostics: loaded.diagnostics },
      );
    }
    // Price and template for the connected region unless the caller asks for another one.
    const connection = connectionManager(ctx).current();
    // Which domains CloudFormation can validate by itself: the account's public hosted zones.
    const hostedZones = connection ? await hostedZonesOf(connection.clients.route53, loaded.project) : undefined;
    // Stored Docker Hub credentials: the next deploy adds the Docker Hub cache, and other Docker Hub images come through it.
    const dockerHub = connection ? await storedDockerHubAccount(connection.clients.secretsManager).catch(() => undefined) : undefined;
    const preview = planProject(loaded.project, {
      mode,
      region: region ?? connection?.target.region ?? DEFAULT_PLAN_REGION,
      account: connection?.identity.account,
      ...(hostedZones ? { hostedZones } : {}),
      ...(dockerHub ? { dockerHubCredentialArn: dockerHub.secretArn } : {}),
    });
    // Room for its VPCs can be counted only in the connected region (the clients' own).
    if (connection && preview.region === connection.target.region) {
      const capacity = await previewVpcCapacity(connection.clients, preview.region, preview.stacks);
      if (capacity) preview.vpcCapacity = capacity;
      // What the deploy will check first: the GPU quota and the account's access to each model (never fatal here).
      const gpuQuota = await checkGpuQuota(connection.clients, preview.region, loaded.project.name, preview.gpus).catch(() => undefined);
      if (gpuQuota) preview.gpuQuota = gpuQuota;
      const modelAccess = await checkModelAccess(connection.clients.bedrock, preview.region, preview.models).catch(() => undefined);
      if (modelAccess) preview.modelAccess = modelAccess;
    }
    return preview;
  },
} satisfies HandlersFor<'plan'>;
