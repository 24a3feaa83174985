/** Fargate task sizes (DESIGN.md §2): the valid CPU/memory pairs and how a request picks one. */
import type { FargateSize } from '../../shared/domain/project';
import { raise } from '../../shared/result';

interface CpuTier {
  cpu: number;
  memories: number[];
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

/** Every valid Fargate size, smallest CPU first, memories ascending (MiB). */
export const FARGATE_TIERS: readonly CpuTier[] = [
  { cpu: 256, memories: [512, 1024, 2048] },
  { cpu: 512, memories: range(1024, 4096, 1024) },
  { cpu: 1024, memories: range(2048, 8192, 1024) },
  { cpu: 2048, memories: range(4096, 16384, 1024) },
  { cpu: 4096, memories: range(8192, 30720, 1024) },
  { cpu: 8192, memories: range(16384, 61440, 4096) },
  { cpu: 16384, memories: range(32768, 122880, 8192) },
];

/** The size used when a service writes no resources. */
export const DEFAULT_FARGATE_SIZE: FargateSize = { cpu: 256, memory: 512 };

/** Whether CPU units and memory MiB form a size Fargate accepts. */
export function isValidFargateSize(size: FargateSize): boolean {
  return FARGATE_TIERS.some((t) => t.cpu === size.cpu && t.memories.includes(size.memory));
}

/**
 * The smallest valid size that holds both requests (CPU units, memory MiB). When a CPU tier
 * cannot hold the memory, move up a tier rather than clamp; beyond the table is an error.
 */
export function pickFargateSize(request: { cpu?: number; memory?: number }): FargateSize {
  const cpu = request.cpu ?? 0;
  const memory = request.memory ?? 0;
  if (cpu <= 0 && memory <= 0) return { ...DEFAULT_FARGATE_SIZE };
  for (const tier of FARGATE_TIERS) {
    if (tier.cpu < cpu) continue;
    const fit = tier.memories.find((m) => m >= memory);
    if (fit !== undefined) return { cpu: tier.cpu, memory: fit };
  }
  raise(
    'PLAN_INVALID',
    `No Fargate size holds ${cpu / 1024} vCPU and ${memory} MiB (the largest is 16 vCPU with 120 GB). Lower the service's resources.`,
    { cpu, memory },
  );
}
