/** Route → screen component. Each screen lives in features/<screen>/. */
import type { ComponentType } from 'react';
import { Text } from '@mantine/core';
import { ProjectsScreen } from '../features/projects/ProjectsScreen';
import { Screen } from '../ui/Screen';
import type { ScreenRoute } from './routes';

// Interim: screens whose engines have not landed yet show what they will do.
function pending(title: string, intro: string): ComponentType {
  return function PendingScreen() {
    return (
      <Screen title={title} intro={intro}>
        <Text c="dimmed">This screen arrives with its engine.</Text>
      </Screen>
    );
  };
}

export const SCREEN_COMPONENTS: Record<ScreenRoute, ComponentType> = {
  connect: pending('Connect', 'Choose an AWS profile and region, or try Berth in the local sandbox.'),
  projects: ProjectsScreen,
  project: pending('Project', 'Services, diagnostics and required config of the open project.'),
  preview: pending('Preview', 'Every AWS resource that will be created, with a diagram and a monthly cost.'),
  secrets: pending('Secrets', 'Config values the project needs, stored encrypted in your account.'),
  deploy: pending('Deploy', 'Package, build and deploy, with live progress.'),
  logs: pending('Logs', 'Live logs of the services.'),
  inventory: pending('Inventory', 'Everything Berth owns in this account and region.'),
};
