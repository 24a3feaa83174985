/** Required config: every name the project needs from Berth's Secrets, with who uses it. */
import type { ComposeSecret, RequiredConfig, ServiceModel } from '../../shared/domain/project';

/** Collects config names from env values (whole and derived), managed stores and `environment:` secrets (mounted or given to the build), sorted by name. */
export function requiredConfig(services: readonly ServiceModel[], secrets: readonly ComposeSecret[] = []): RequiredConfig[] {
  const byName = new Map<string, RequiredConfig>();
  const use = (name: string, service: string, variable: string) => {
    let rc = byName.get(name);
    if (!rc) byName.set(name, (rc = { name, usedBy: [] }));
    if (!rc.usedBy.some((u) => u.service === service && u.variable === variable)) rc.usedBy.push({ service, variable });
  };
  for (const svc of services) {
    for (const [variable, value] of Object.entries(svc.environment)) {
      if (value.kind === 'config') use(value.name, svc.name, variable);
      else if (value.kind === 'derived') for (const n of value.names) use(n, svc.name, variable);
    }
    if (svc.managed?.passwordConfig) use(svc.managed.passwordConfig, svc.name, 'POSTGRES_PASSWORD');
    for (const file of svc.secretFiles ?? []) {
      const secret = secrets.find((s) => s.name === file.secret);
      if (secret?.source.kind === 'config') use(secret.source.name, svc.name, `secret ${file.secret}`);
    }
    for (const b of svc.build?.secrets ?? []) {
      const secret = secrets.find((s) => s.name === b.secret);
      if (secret?.source.kind === 'config') use(secret.source.name, svc.name, `build secret ${b.id}`);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
