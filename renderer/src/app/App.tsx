/** The app frame: where am I (connection, project) on top, the screens on the left, the screen itself. */
import { AppShell, Badge, Group, NavLink, ScrollArea, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { api, onEvent } from '../api';
import { CurrentProjectProvider, useCurrentProject } from './current-project';
import { navigate, SCREENS, useRoute, type ScreenRoute } from './routes';
import { SCREEN_COMPONENTS } from './screens';

function WhereAmI() {
  const { dir } = useCurrentProject();
  const status = useQuery({ queryKey: ['connection:status'], queryFn: () => api['connection:status']({}) });
  const identity = status.data?.identity;
  const target = status.data?.target;
  const projectName = dir ? dir.split(/[\\/]/).filter(Boolean).pop() : undefined;
  return (
    <Group gap="xs" wrap="nowrap" aria-label="Current connection and project">
      {target?.sandbox && (
        <Tooltip label="A local AWS-compatible endpoint on this computer. Nothing is deployed to AWS.">
          <Badge color="orange" variant="filled">
            Local sandbox
          </Badge>
        </Tooltip>
      )}
      {identity && target ? (
        <Text size="sm" data-testid="where-account">
          Account <b>{identity.account}</b> · {target.region}
        </Text>
      ) : (
        <Text size="sm" c="dimmed" data-testid="where-account">
          Not connected
        </Text>
      )}
      <Text size="sm" c="dimmed">
        ·
      </Text>
      <Text size="sm" data-testid="where-project">
        {projectName ? (
          <>
            Project <b>{projectName}</b>
          </>
        ) : (
          <span style={{ opacity: 0.7 }}>No project open</span>
        )}
      </Text>
    </Group>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const { route } = useRoute();
  const { dir } = useCurrentProject();
  // The desktop menu's "Go" items and shortcuts arrive as app:navigate events.
  useEffect(() => onEvent('app:navigate', ({ route: next }) => navigate(next)), []);
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Title order={1} size="h4">
            Berth
          </Title>
          <WhereAmI />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        <ScrollArea>
          {SCREENS.map((screen) => (
            <NavLink
              key={screen.route}
              component="a"
              href={`#/${screen.route}`}
              label={screen.label}
              active={route === screen.route}
              disabled={screen.needsProject && !dir}
              aria-current={route === screen.route ? 'page' : undefined}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}

function CurrentScreen() {
  const { route } = useRoute();
  const Screen = SCREEN_COMPONENTS[route as ScreenRoute];
  return <Screen />;
}

export function App() {
  return (
    <CurrentProjectProvider>
      <Frame>
        <CurrentScreen />
      </Frame>
    </CurrentProjectProvider>
  );
}
