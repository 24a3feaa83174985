/** What a project screen shows before any project is open. */
import { Button, Text } from '@mantine/core';
import { navigate } from '../app/routes';
import { Screen } from './Screen';

export function NoProject({ title }: { title: string }) {
  return (
    <Screen title={title} intro="No project is open.">
      <Text size="sm">Open a folder with a compose.yaml first.</Text>
      <div>
        <Button onClick={() => navigate('projects')}>Open a project</Button>
      </div>
    </Screen>
  );
}
