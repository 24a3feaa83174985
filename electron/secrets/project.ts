/** The project a folder holds, as far as config is concerned: its name and the config it needs. */
import type { ComposeSecret, RequiredConfig, ServiceModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { loadProject } from '../compose/load';

export interface ProjectConfigNeeds {
  name: string;
  dir: string;
  requiredConfig: RequiredConfig[];
  secrets: ComposeSecret[];
  services: Pick<ServiceModel, 'name' | 'secretFiles' | 'managed' | 'llm' | 'environment'>[];
}

/** Loads the compose project in `dir`; raises when it has no compose file or cannot be read. */
export async function projectConfigNeeds(dir: string): Promise<ProjectConfigNeeds> {
  const loaded = await loadProject(dir);
  if (!loaded.project) {
    if (loaded.composeFiles.length === 0) raise('NO_COMPOSE_FILE', `There is no compose file in ${dir}.`);
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    raise('COMPOSE_INVALID', `The compose project in ${dir} could not be read${first ? `: ${first.message}` : ''}. Fix it, then manage its config.`);
  }
  const { name, dir: projectDir, requiredConfig, secrets, services } = loaded.project;
  return { name, dir: projectDir, requiredConfig, secrets: secrets ?? [], services };
}
