/** Fargate task sizes (DESIGN.md §2): the smallest valid size that holds what a service asks for. */
import { raise } from '../../shared/result';
import type { FargateSize } from '../../shared/domain/project';

/** One CPU tier and the memory sizes (MiB) it allows. */
export interface FargateTier {
  cpu: number;
  memory: readonly number[];
}

const range = (fromGiB: number, toGiB: number, stepGiB: number): number[] => {
  const out: number[] = [];
  for (let g = fromGiB; g <= toGiB; g += stepGiB) out.push(g * 1024);
  return out;
};

/** The valid Fargate CPU / memory combinations, smallest first. */
export const FARGATE_TIERS: readonly FargateTier[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1, 4, 1) },
  { cpu: 1024, memory: range(2, 8, 1) },
  { cpu: 2048, memory: range(4, 16, 1) },
  { cpu: 4096, memory: range(8, 30, 1) },
  { cpu: 8192, memory: range(16, 60, 4) },
  { cpu: 16384, memory: range(32, 120, 8) },
];

/** The size of a service that writes no resources. */
export const DEFAULT_FARGATE_SIZE: FargateSize = { cpu: 256, memory: 512 };

/**
 * The smallest valid Fargate size holding `cpus` (cores, e.g. 0.5) and `memoryMiB`.
 * Moves up a CPU tier rather than clamping memory; beyond the largest size it raises
 * `LIMIT_EXCEEDED`, and `INVALID_ARGUMENT` for negative or non-finite values.
 */
export function fargateSize(cpus?: number, memoryMiB?: number): FargateSize {
  if (cpus === undefined && memoryMiB === undefined) return { ...DEFAULT_FARGATE_SIZE };
  if (cpus !== undefined && (!Number.isFinite(cpus) || cpus < 0)) raise('INVALID_ARGUMENT', `cpus must be a positive number of cores; got ${cpus}.`);
  if (memoryMiB !== undefined && (!Number.isFinite(memoryMiB) || memoryMiB < 0)) raise('INVALID_ARGUMENT', `memory must be a positive size; got ${memoryMiB} MiB.`);
  // Round to a thousandth of a CPU unit first so 0.25 * 1024 style floats do not tip over a boundary.
  const cpuUnits = cpus === undefined ? 0 : Math.ceil(Math.round(cpus * 1024 * 1000) / 1000);
  const memory = memoryMiB === undefined ? 0 : Math.ceil(memoryMiB);
  for (const tier of FARGATE_TIERS) {
    if (tier.cpu < cpuUnits) continue;
    const fit = tier.memory.find((m) => m >= memory);
    if (fit !== undefined) return { cpu: tier.cpu, memory: fit };
  }
  const largest = FARGATE_TIERS[FARGATE_TIERS.length - 1] as FargateTier;
  return raise(
    'LIMIT_EXCEEDED',
    `No Fargate size holds ${cpus ?? 0} vCPU and ${memory} MiB: the largest is ${largest.cpu / 1024} vCPU with ${(largest.memory[largest.memory.length - 1] as number) / 1024} GB.`,
    { cpus, memoryMiB },
  );
}
