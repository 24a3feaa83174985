/** Drop a project folder anywhere on the window to open it. */
import { Overlay, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFolderOpen } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { droppedFolderPath, useOpenProject } from './open-project';

function carriesFiles(event: DragEvent): boolean {
  const types = event.dataTransfer?.types ?? [];
  return Array.from(types).some((t) => t === 'Files' || t === 'text/uri-list');
}

export function FolderDrop() {
  const { mutate: openFolder } = useOpenProject();
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overHandler = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const path = droppedFolderPath(e.dataTransfer);
      if (!path) {
        notifications.show({ color: 'yellow', title: 'Cannot see where that folder is', message: 'This browser hides the path of dropped folders: type or paste it into the Folder path field.' });
        return;
      }
      openFolder(path, {
        onError: (error) => notifications.show({ color: 'red', title: 'Could not open that folder', message: error instanceof Error ? error.message : String(error) }),
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overHandler);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overHandler);
      window.removeEventListener('drop', drop);
    };
  }, [openFolder]);
  if (!over) return null;
  return (
    <Overlay fixed blur={2} zIndex={1000} center backgroundOpacity={0.45} style={{ pointerEvents: 'none' }}>
      <Stack align="center" gap="xs" style={{ color: 'white' }}>
        <IconFolderOpen size={56} />
        <Text size="xl" fw={700} c="white">
          Drop a project folder to open it
        </Text>
      </Stack>
    </Overlay>
  );
}
