/** The planner: project model → CloudFormation templates, readable preview, cost, preflight. */
export {
  BOOTSTRAP_OUTPUTS,
  BOOTSTRAP_STACK_NAME,
  BOOTSTRAP_TEMPLATE_VERSION,
  BUILD_LOG_GROUP,
  BUILD_PROJECTS,
  EVENTS_LOG_GROUP_PREFIX,
  PULL_THROUGH_CACHE_PREFIX,
  buildBootstrapTemplate,
  planBootstrap,
} from './bootstrap';
export type { BootstrapOptions, BootstrapOutputName } from './bootstrap';
export { canonicalJson } from './cfn';
export { estimateCost } from './cost';
export { MODE_SETTINGS, capacityFor, replicasFor } from './modes';
export * from './names';
export { preflight } from './preflight';
export { PRICE_TABLE, PRICE_TABLE_DATE } from './prices';
export { configNeeds, gpuPlans, imagePulls, modelPlans, planProject, projectStackParameters, publicUrls } from './project';
export type { PlanOptions } from './project';
export { buildProjectTemplate, IMAGES_METADATA_KEY, PROJECT_BOOTSTRAP_PARAMETERS } from './project-template';
export { DEFAULT_FARGATE_SIZE, FARGATE_TIERS, isValidFargateSize } from './sizing';
export { INLINE_TEMPLATE_LIMIT, MAX_RESOURCES, finishStack } from './stack';
