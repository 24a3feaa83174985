/** Which provider handles each resource type; types without one of their own are recorded generically. */
import { containerProviders } from './containers';
import { capacityProviders } from './capacity';
import { infrastructureProviders } from './infrastructure';
import { genericProvider } from './generic';
import { networkProviders } from '../../network/providers';
import { waitConditionProviders } from './wait-condition';
import { efsProviders } from './efs';
import { rdsProviders } from './rds';
import { elastiCacheProviders } from './elasticache';
import { codeBuildProviders } from './codebuild';
import { certificateProviders } from './certificate';
import { route53Providers } from './route53';
import { bucketPolicyProvider, bucketProvider, eventRuleProvider, logGroupProvider, logResourcePolicyProvider, parameterProvider } from './services';
import type { ResourceProvider } from './types';

const PROVIDERS: Record<string, ResourceProvider> = {
  ...infrastructureProviders,
  ...containerProviders,
  ...capacityProviders,
  ...networkProviders,
  ...waitConditionProviders,
  ...efsProviders,
  ...rdsProviders,
  ...elastiCacheProviders,
  ...codeBuildProviders,
  ...certificateProviders,
  ...route53Providers,
  'AWS::S3::Bucket': bucketProvider,
  'AWS::S3::BucketPolicy': bucketPolicyProvider,
  'AWS::Logs::LogGroup': logGroupProvider,
  'AWS::Logs::ResourcePolicy': logResourcePolicyProvider,
  'AWS::SSM::Parameter': parameterProvider,
  'AWS::Events::Rule': eventRuleProvider,
};

/** The provider for a resource type. */
export function providerFor(type: string): ResourceProvider {
  return PROVIDERS[type] ?? genericProvider;
}
