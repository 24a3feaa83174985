/**
 * Named volumes, as compose keeps them: data that outlives the container. On AWS each becomes an
 * access point of the project's encrypted EFS file system, mounted where the service mounts it.
 * Only the `local` driver maps (EFS is the durable local disk of Fargate); bind mounts of your
 * files stay warned by the support table, anonymous volumes live and die with the task.
 */
import type { ServiceModel, VolumeMount } from '../../shared/domain/project';
import type { Report } from './report';
import { get, str, type SNode } from './tree';

/** The named volume of a short-syntax mount (`data:/var/lib/x[:ro]`), or undefined for paths and anonymous volumes. */
export function namedVolume(spec: string): string | undefined {
  const parts = spec.split(':');
  if (parts.length < 2) return undefined;
  const source = parts[0] as string;
  if (source === '' || /^[./~]/.test(source) || /^[A-Za-z]$/.test(source) || source.includes('/') || source.includes('$')) return undefined;
  return source;
}

function mountOf(item: SNode): VolumeMount | undefined {
  if (item.kind === 'scalar') {
    const spec = str(item) ?? '';
    const volume = namedVolume(spec);
    if (!volume) return undefined;
    const [, path, options] = spec.split(':');
    return { volume, path: path ?? '', readOnly: (options ?? '').split(',').includes('ro') };
  }
  if (str(get(item, 'type')) !== 'volume') return undefined;
  const volume = str(get(item, 'source'));
  const path = str(get(item, 'target'));
  if (!volume || !path) return undefined;
  const readOnly = get(item, 'read_only');
  return { volume, path, readOnly: readOnly?.kind === 'scalar' && (readOnly.value === true || readOnly.value === 'true') };
}

/** Gives each service its named-volume mounts; returns the volumes deployed services use, checked. */
export function namedVolumes(root: SNode, services: { model: ServiceModel; node: SNode }[], report: Report): string[] {
  const defined = get(root, 'volumes');
  const used = new Set<string>();
  for (const { model, node } of services) {
    const list = get(node, 'volumes');
    if (list?.kind !== 'seq' || model.managed) continue;
    const mounts = list.items.map(mountOf).filter((m): m is VolumeMount => m !== undefined);
    if (mounts.length === 0) continue;
    model.volumes = mounts;
    for (const m of mounts) used.add(m.volume);
  }
  for (const name of [...used]) {
    const entry = defined?.kind === 'map' ? defined.entries.get(name) : undefined;
    if (!entry) continue; // Undeclared volumes are reported where they are mounted.
    const driver = str(get(entry.value, 'driver'));
    if (driver && driver !== 'local') {
      report.error('volume-driver-unmapped', `The volume ${name} uses the driver ${driver}, which Berth cannot map: on AWS a named volume is an encrypted Amazon EFS access point.`, 'Remove `driver:` (EFS keeps the data), or keep the data in a managed store or S3.', get(entry.value, 'driver')!.at);
      used.delete(name);
    } else if (get(entry.value, 'driver_opts')) {
      report.error('volume-driver-unmapped', `The volume ${name} sets driver_opts (a bind or NFS mount of the local machine), which does not exist on AWS.`, 'Remove `driver_opts:` to get an EFS volume, or copy the files into the image.', get(entry.value, 'driver_opts')!.at);
      used.delete(name);
    } else if (get(entry.value, 'external') !== undefined && str(get(entry.value, 'external')) !== 'false') {
      report.error('volume-external', `The volume ${name} is external: it exists outside this project, where Berth cannot reach it.`, 'Remove `external:` so Berth creates the volume (on EFS) with the project.', entry.keyAt);
      used.delete(name);
    }
  }
  return [...used].sort();
}
