/**
 * GPU reservations: `deploy.resources.reservations.devices` entries with `capabilities: [gpu]`,
 * or the service-level `gpus:`. Such a service runs on ECS GPU instances (EC2), not on Fargate.
 * A device without a count asks compose for "all" GPUs; Berth counts it as one, as Defang does,
 * so the service gets the smallest GPU instance rather than the largest.
 */
import type { GpuReservation } from '../../shared/domain/project';
import type { Report } from './report';
import { get, lineCol, str, type At, type SNode } from './tree';
import { parseBytes, parseCpus } from './units';

/** A GPU task without a CPU or memory reservation gets one vCPU and 4 GiB. */
const DEFAULT_GPU_TASK = { cpu: 1024, memory: 4096 };

/** How many GPUs one device entry asks for (undefined: it is not a GPU, or is wrong, and was reported). */
function deviceGpus(name: string, device: SNode, report: Report, gpuImplied = false): number | undefined {
  const capabilities = get(device, 'capabilities');
  // A `gpus:` entry is a GPU request: its capability is implied when not written.
  const caps = capabilities?.kind === 'seq' ? capabilities.items.map((c) => str(c) ?? '') : gpuImplied && !capabilities ? ['gpu'] : [];
  if (!caps.includes('gpu')) {
    report.error('device-not-gpu', `${name} reserves a device with capabilities [${caps.join(', ')}]; ECS gives containers GPUs only.`, 'Reserve GPUs with `capabilities: [gpu]`, or remove the device.', (capabilities ?? device).at);
    return undefined;
  }
  const others = caps.filter((c) => !['gpu', 'nvidia', 'compute', 'utility'].includes(c));
  if (others.length > 0) report.warning('device-capabilities-ignored', `${name}: the device capabilities ${others.join(', ')} are not set on ECS; it gets NVIDIA GPUs.`, 'Keep `capabilities: [gpu]`.', (capabilities ?? device).at);
  const driver = str(get(device, 'driver'));
  if (driver && driver !== 'nvidia') {
    report.error('gpu-driver-unsupported', `${name} asks for ${driver} GPUs; ECS GPU instances have NVIDIA GPUs.`, 'Use `driver: nvidia`, or remove `driver`.', get(device, 'driver')!.at);
    return undefined;
  }
  if (get(device, 'device_ids')) report.warning('gpu-device-ids-ignored', `${name}: device_ids are not used on ECS, which assigns whole GPUs to tasks.`, 'Use `count` instead.', get(device, 'device_ids')!.at);
  const count = get(device, 'count');
  const value = count?.kind === 'scalar' ? count.value : undefined;
  if (value === undefined || value === null || value === 'all' || value === -1 || value === '-1') return 1;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    report.error('gpu-count-invalid', `${name} asks for ${String(value)} GPUs; an ECS GPU instance has 1 to 8.`, 'Write a count from 1 to 8 (or leave it out for one).', count!.at);
    return undefined;
  }
  return n;
}

/** The GPUs service `name` reserves, with the CPU and memory its task reserves; undefined when it reserves none. */
export function gpuReservation(name: string, svc: SNode, report: Report): GpuReservation | undefined {
  const resources = get(get(svc, 'deploy'), 'resources');
  const devices = get(get(resources, 'reservations'), 'devices');
  const gpusNode = get(svc, 'gpus');
  let count = 0;
  let at: At | undefined;
  if (devices?.kind === 'seq') {
    for (const d of devices.items) count += deviceGpus(name, d, report) ?? 0;
    at = devices.at;
  }
  if (gpusNode) {
    at ??= gpusNode.at;
    if (gpusNode.kind === 'scalar') count += 1;
    else if (gpusNode.kind === 'seq') for (const d of gpusNode.items) count += deviceGpus(name, d, report, true) ?? 0;
  }
  if (count === 0 || !at) return undefined;
  if (count > 8) {
    report.error('gpu-count-invalid', `${name} asks for ${count} GPUs; an ECS GPU instance has at most 8.`, 'Ask for 8 GPUs or fewer, or split the work across services.', at);
    count = 8;
  }
  const pick = (key: 'cpus' | 'memory') => get(get(resources, 'reservations'), key) ?? get(get(resources, 'limits'), key);
  const cpuNode = pick('cpus');
  const memNode = pick('memory');
  const cpus = cpuNode?.kind === 'scalar' && cpuNode.value !== null && typeof cpuNode.value !== 'boolean' ? parseCpus(cpuNode.value) : null;
  const bytes = memNode?.kind === 'scalar' && memNode.value !== null && typeof memNode.value !== 'boolean' ? parseBytes(memNode.value) : null;
  const { line, column } = lineCol(at);
  return {
    count,
    cpu: cpus ? Math.ceil(cpus * 1024) : DEFAULT_GPU_TASK.cpu,
    memory: bytes ? Math.ceil(bytes / (1024 * 1024)) : DEFAULT_GPU_TASK.memory,
    source: { file: at.src?.path ?? '', line, column },
  };
}
