/** Fargate task sizes for the planner: the one table lives with the compose engine, which picks sizes. */
import type { FargateSize } from '../../shared/domain/project';
import { DEFAULT_FARGATE_SIZE, FARGATE_TIERS } from '../compose/fargate';

export { DEFAULT_FARGATE_SIZE, FARGATE_TIERS };

/** Whether CPU units and memory MiB form a size Fargate accepts (a model built by hand may not). */
export function isValidFargateSize(size: FargateSize): boolean {
  return FARGATE_TIERS.some((t) => t.cpu === size.cpu && t.memory.includes(size.memory));
}
