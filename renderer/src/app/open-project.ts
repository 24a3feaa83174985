/** Opening a project folder, the same way from the path field, the recent list, the picker and a drop. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { useCurrentProject } from './current-project';
import { projectKey } from './project-data';
import { navigate } from './routes';

/** A mutation that checks the folder, loads it, makes it the current project and shows it. */
export function useOpenProject() {
  const queryClient = useQueryClient();
  const { setDir } = useCurrentProject();
  return useMutation({
    mutationFn: async (dir: string) => {
      const check = await api['project:checkFolder']({ dir });
      if (!check.exists || !check.isDirectory || check.composeFiles.length === 0) {
        throw new Error(check.message ?? 'This folder cannot be opened.');
      }
      return api['project:open']({ dir: check.dir });
    },
    onSuccess: (loaded) => {
      queryClient.setQueryData(projectKey(loaded.dir), loaded);
      setDir(loaded.dir);
      void queryClient.invalidateQueries({ queryKey: ['project:recent'] });
      navigate('project');
    },
  });
}

/**
 * The folder path of a drop, when the platform tells it: a `file://` URI (file managers on
 * Linux and macOS put one in text/uri-list) or Electron's `File.path`. Null otherwise.
 */
export function droppedFolderPath(data: DataTransfer): string | null {
  const uris = data.getData('text/uri-list') || data.getData('text/plain');
  const first = uris
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith('file://'));
  if (first) {
    try {
      const url = new URL(first);
      const path = decodeURIComponent(url.pathname);
      // file:///C:/x on Windows.
      return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
    } catch {
      return null;
    }
  }
  const file = data.files[0] as (File & { path?: string }) | undefined;
  return file?.path ? file.path : null;
}
