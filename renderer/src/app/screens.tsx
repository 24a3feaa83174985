/** Route → screen component. Each screen lives in features/<screen>/. */
import type { ComponentType } from 'react';
import { ConnectScreen } from '../features/connect/ConnectScreen';
import { DeployScreen } from '../features/deploy/DeployScreen';
import { InventoryScreen } from '../features/inventory/InventoryScreen';
import { LogsScreen } from '../features/logs/LogsScreen';
import { PreviewScreen } from '../features/preview/PreviewScreen';
import { ProjectScreen } from '../features/project/ProjectScreen';
import { ProjectsScreen } from '../features/projects/ProjectsScreen';
import { SecretsScreen } from '../features/secrets/SecretsScreen';
import type { ScreenRoute } from './routes';

export const SCREEN_COMPONENTS: Record<ScreenRoute, ComponentType> = {
  connect: ConnectScreen,
  projects: ProjectsScreen,
  project: ProjectScreen,
  preview: PreviewScreen,
  secrets: SecretsScreen,
  deploy: DeployScreen,
  logs: LogsScreen,
  inventory: InventoryScreen,
};
