/** What a deployment keeps of its image builds: where build secrets come from, and what each build cost. */
import type { BuildRun } from '../../shared/domain/deploy';
import type { ProjectModel } from '../../shared/domain/project';
import { configParameterName, secretFileParameterName } from '../plan/names';
import { pricesFor } from '../plan/prices';
import type { BuildRequest } from './build';

/** The SSM parameter a compose secret is stored in: its own for a `file:` secret, the config value for `environment:`. */
export function buildSecretParameter(project: ProjectModel, secret: string): string {
  const declared = project.secrets?.find((s) => s.name === secret);
  if (declared?.source.kind === 'config') return configParameterName(project.name, declared.source.name);
  return secretFileParameterName(project.name, secret);
}

/** One finished build for the history: duration, the minutes CodeBuild bills (rounded up) and their price. */
export function buildRun(request: BuildRequest, result: { status: string; seconds: number }, region = 'us-east-1'): BuildRun {
  const { prices } = pricesFor(region);
  const billedMinutes = Math.max(1, Math.ceil(result.seconds / 60));
  const perMinute = request.platform === 'linux/arm64' ? prices.codebuildArmSmallMinute : prices.codebuildSmallMinute;
  return { services: request.services, platform: request.platform, status: result.status, seconds: result.seconds, billedMinutes, usd: Math.round(billedMinutes * perMinute * 10_000) / 10_000 };
}
