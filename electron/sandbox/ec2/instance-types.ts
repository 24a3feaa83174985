/**
 * The EC2 instance types the sandbox can launch: vCPUs, memory and GPUs as EC2's
 * DescribeInstanceTypes lists them, and the vCPU quota bucket each belongs to (EC2 counts
 * running vCPUs per bucket: G and VT, P, Standard...).
 */

export interface InstanceGpus {
  count: number;
  manufacturer: 'NVIDIA';
  model: string;
  /** Memory of one GPU, MiB. */
  memoryMiB: number;
}

export interface InstanceType {
  vcpus: number;
  /** Installed memory, MiB (the ECS agent registers less, see `registrableMemoryMiB`). */
  memoryMiB: number;
  gpus?: InstanceGpus;
}

/** Which vCPU quota an instance type counts against (families EC2 groups into one bucket). */
export type VcpuBucket = 'standard' | 'g-vt' | 'p';

const GiB = 1024;
const t4 = (count: number): InstanceGpus => ({ count, manufacturer: 'NVIDIA', model: 'T4', memoryMiB: 16 * GiB });
const a10g = (count: number): InstanceGpus => ({ count, manufacturer: 'NVIDIA', model: 'A10G', memoryMiB: 24 * GiB });
const l4 = (count: number): InstanceGpus => ({ count, manufacturer: 'NVIDIA', model: 'L4', memoryMiB: 24 * GiB });
const l40s = (count: number): InstanceGpus => ({ count, manufacturer: 'NVIDIA', model: 'L40S', memoryMiB: 48 * GiB });

/** The catalog, by instance type name. */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = {
  'g4dn.xlarge': { vcpus: 4, memoryMiB: 16 * GiB, gpus: t4(1) },
  'g4dn.2xlarge': { vcpus: 8, memoryMiB: 32 * GiB, gpus: t4(1) },
  'g4dn.4xlarge': { vcpus: 16, memoryMiB: 64 * GiB, gpus: t4(1) },
  'g4dn.8xlarge': { vcpus: 32, memoryMiB: 128 * GiB, gpus: t4(1) },
  'g4dn.12xlarge': { vcpus: 48, memoryMiB: 192 * GiB, gpus: t4(4) },
  'g4dn.16xlarge': { vcpus: 64, memoryMiB: 256 * GiB, gpus: t4(1) },
  'g5.xlarge': { vcpus: 4, memoryMiB: 16 * GiB, gpus: a10g(1) },
  'g5.2xlarge': { vcpus: 8, memoryMiB: 32 * GiB, gpus: a10g(1) },
  'g5.4xlarge': { vcpus: 16, memoryMiB: 64 * GiB, gpus: a10g(1) },
  'g5.12xlarge': { vcpus: 48, memoryMiB: 192 * GiB, gpus: a10g(4) },
  'g6.xlarge': { vcpus: 4, memoryMiB: 16 * GiB, gpus: l4(1) },
  'g6.2xlarge': { vcpus: 8, memoryMiB: 32 * GiB, gpus: l4(1) },
  'g6.4xlarge': { vcpus: 16, memoryMiB: 64 * GiB, gpus: l4(1) },
  'g6.12xlarge': { vcpus: 48, memoryMiB: 192 * GiB, gpus: l4(4) },
  'g6e.xlarge': { vcpus: 4, memoryMiB: 32 * GiB, gpus: l40s(1) },
  'g6e.2xlarge': { vcpus: 8, memoryMiB: 64 * GiB, gpus: l40s(1) },
  'p3.2xlarge': { vcpus: 8, memoryMiB: 61 * GiB, gpus: { count: 1, manufacturer: 'NVIDIA', model: 'V100', memoryMiB: 16 * GiB } },
  'p4d.24xlarge': { vcpus: 96, memoryMiB: 1152 * GiB, gpus: { count: 8, manufacturer: 'NVIDIA', model: 'A100', memoryMiB: 40 * GiB } },
  't3.medium': { vcpus: 2, memoryMiB: 4 * GiB },
  't3.large': { vcpus: 2, memoryMiB: 8 * GiB },
  'm5.large': { vcpus: 2, memoryMiB: 8 * GiB },
  'm5.xlarge': { vcpus: 4, memoryMiB: 16 * GiB },
  'c5.large': { vcpus: 2, memoryMiB: 4 * GiB },
  'r5.large': { vcpus: 2, memoryMiB: 16 * GiB },
};

/** The catalog entry of a type, undefined for one the sandbox does not know. */
export function instanceType(name: string): InstanceType | undefined {
  return Object.prototype.hasOwnProperty.call(INSTANCE_TYPES, name) ? INSTANCE_TYPES[name] : undefined;
}

/** The vCPU bucket of a type by its family letters (G and VT share one; A, C, D, H, I, M, R, T, Z are Standard). */
export function vcpuBucket(name: string): VcpuBucket | undefined {
  const family = /^([a-z]+)\d/.exec(name)?.[1] ?? '';
  if (family.startsWith('g') || family.startsWith('vt')) return 'g-vt';
  if (family.startsWith('p')) return 'p';
  if (/^[acdhimrtz]/.test(family)) return 'standard';
  return undefined;
}

/**
 * Memory the ECS agent registers: what the OS reports as total (the kernel keeps some; AWS's
 * example is an m4.large, 8192 MiB installed, registering 7985 MiB) minus ECS_RESERVED_MEMORY.
 */
export function registrableMemoryMiB(type: InstanceType, reservedMiB = 0): number {
  return Math.max(0, Math.floor((type.memoryMiB * 7985) / 8192) - reservedMiB);
}
