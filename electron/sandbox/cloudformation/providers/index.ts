/** Which provider handles each resource type; types without one of their own are recorded generically. */
import { infrastructureProviders } from './infrastructure';
import { genericProvider } from './generic';
import { bucketPolicyProvider, bucketProvider, eventRuleProvider, logGroupProvider, logResourcePolicyProvider, parameterProvider } from './services';
import type { ResourceProvider } from './types';

const PROVIDERS: Record<string, ResourceProvider> = {
  ...infrastructureProviders,
  'AWS::S3::Bucket': bucketProvider,
  'AWS::S3::BucketPolicy': bucketPolicyProvider,
  'AWS::Logs::LogGroup': logGroupProvider,
  'AWS::Logs::ResourcePolicy': logResourcePolicyProvider,
  'AWS::SSM::Parameter': parameterProvider,
  'AWS::Events::Rule': eventRuleProvider,
};

/** Adds providers (the ECS and ECR ones register themselves here). */
export function registerProviders(more: Record<string, ResourceProvider>): void {
  Object.assign(PROVIDERS, more);
}

/** The provider for a resource type. */
export function providerFor(type: string): ResourceProvider {
  return PROVIDERS[type] ?? genericProvider;
}
