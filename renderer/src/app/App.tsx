/** The app frame: where am I (connection, project) on top, the screens on the left, the screen itself. */
import { ActionIcon, AppShell, Badge, Group, Loader, NavLink, ScrollArea, Text, Title, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import {
  IconBoxMultiple,
  IconCloudUpload,
  IconEye,
  IconFileText,
  IconFolder,
  IconKey,
  IconList,
  IconMoon,
  IconPlugConnected,
  IconStack2,
  IconSun,
} from '@tabler/icons-react';
import { useEffect, type ReactNode } from 'react';
import { onEvent } from '../api';
import { useDeployView } from '../features/deploy/deploy-store';
import { baseName } from '../ui/words';
import { useConnection } from './connection';
import { CurrentProjectProvider, useCurrentProject } from './current-project';
import { FolderDrop } from './FolderDrop';
import { useLiveUpdates } from './live-updates';
import { useLoadedProject } from './project-data';
import { navigate, SCREENS, useRoute, type ScreenRoute } from './routes';
import { SCREEN_COMPONENTS } from './screens';

const ICONS: Record<ScreenRoute, typeof IconFolder> = {
  connect: IconPlugConnected,
  projects: IconFolder,
  project: IconBoxMultiple,
  preview: IconEye,
  secrets: IconKey,
  deploy: IconCloudUpload,
  logs: IconFileText,
  inventory: IconList,
};

function WhereAmI() {
  const { dir } = useCurrentProject();
  const status = useConnection();
  const loaded = useLoadedProject(dir);
  const identity = status.data?.identity;
  const target = status.data?.target;
  const projectName = loaded.data?.project?.name ?? (dir ? baseName(dir) : undefined);
  return (
    <Group gap="xs" wrap="nowrap" aria-label="Current connection and project" role="group">
      {target?.sandbox && (
        <Tooltip label="A pretend AWS account on this computer. Nothing is deployed to AWS.">
          <Badge color="orange" variant="filled" tabIndex={0}>
            Local sandbox
          </Badge>
        </Tooltip>
      )}
      {identity && target ? (
        <Tooltip label={`Signed in as ${identity.arn}${target.profile ? ` (profile ${target.profile})` : ''}`}>
          <Text size="sm" data-testid="where-account" tabIndex={0}>
            Account <b>{identity.account}</b> · {target.region}
          </Text>
        </Tooltip>
      ) : (
        <Text size="sm" c="dimmed" data-testid="where-account">
          Not connected
        </Text>
      )}
      <Text size="sm" c="dimmed" aria-hidden>
        ·
      </Text>
      <Text size="sm" data-testid="where-project">
        {projectName ? (
          <>
            Project <b>{projectName}</b>
          </>
        ) : (
          <Text span size="sm" c="dimmed">
            No project open
          </Text>
        )}
      </Text>
    </Group>
  );
}

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} colours`}>
      <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} colours`}>
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

function DeployIndicator() {
  const { dir } = useCurrentProject();
  const view = useDeployView(dir);
  if (!view || view.record || !view.deploymentId) return null;
  return <Loader size={12} aria-label="Deploying" />;
}

/** On a fresh start (no screen in the address), a user who is not connected lands on Connect. */
function useFirstScreen(): void {
  const status = useConnection();
  useEffect(() => {
    if (!status.isSuccess || window.location.hash.replace(/^#\/?/, '') !== '') return;
    navigate(status.data.target && status.data.identity ? 'projects' : 'connect');
  }, [status.isSuccess, status.data]);
}

function Frame({ children }: { children: ReactNode }) {
  const { route } = useRoute();
  const { dir } = useCurrentProject();
  useLiveUpdates();
  useFirstScreen();
  // The desktop menu's "Go" items and shortcuts arrive as app:navigate events.
  useEffect(() => onEvent('app:navigate', ({ route: next }) => navigate(next)), []);
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <IconStack2 size={22} aria-hidden />
            <Title order={1} size="h4">
              Berth
            </Title>
          </Group>
          <Group gap="md" wrap="nowrap">
            <WhereAmI />
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        <ScrollArea>
          {SCREENS.map((screen) => {
            const Icon = ICONS[screen.route];
            const disabled = screen.needsProject && !dir;
            return (
              <NavLink
                key={screen.route}
                component="a"
                href={`#/${screen.route}`}
                label={screen.label}
                leftSection={<Icon size={18} aria-hidden />}
                rightSection={screen.route === 'deploy' ? <DeployIndicator /> : undefined}
                active={route === screen.route}
                disabled={disabled}
                aria-disabled={disabled || undefined}
                aria-current={route === screen.route ? 'page' : undefined}
                title={disabled ? 'Open a project first' : undefined}
              />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
      <FolderDrop />
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
