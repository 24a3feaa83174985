/** The application menu: standard roles plus Berth's own shortcuts to each screen. */
import type { MenuItemConstructorOptions } from 'electron';

export const SCREEN_SHORTCUTS = [
  { label: 'Connect', route: 'connect', accelerator: 'CmdOrCtrl+1' },
  { label: 'Projects', route: 'projects', accelerator: 'CmdOrCtrl+2' },
  { label: 'Project', route: 'project', accelerator: 'CmdOrCtrl+3' },
  { label: 'Preview', route: 'preview', accelerator: 'CmdOrCtrl+4' },
  { label: 'Secrets', route: 'secrets', accelerator: 'CmdOrCtrl+5' },
  { label: 'Deploy', route: 'deploy', accelerator: 'CmdOrCtrl+6' },
  { label: 'Logs', route: 'logs', accelerator: 'CmdOrCtrl+7' },
  { label: 'Inventory', route: 'inventory', accelerator: 'CmdOrCtrl+8' },
] as const;

export interface MenuActions {
  openFolder(): void;
  go(route: string): void;
}

/** The menu template; `isMac` adds the app menu macOS expects. */
export function menuTemplate(isMac: boolean, actions: MenuActions): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push({
    label: 'File',
    submenu: [
      { label: 'Open Project Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  });
  template.push({ role: 'editMenu' });
  template.push({
    label: 'Go',
    submenu: SCREEN_SHORTCUTS.map((s) => ({ label: s.label, accelerator: s.accelerator, click: () => actions.go(s.route) })),
  });
  template.push({ role: 'viewMenu' });
  template.push({ role: 'windowMenu' });
  template.push({ role: 'help', submenu: [{ role: 'about' }] });
  return template;
}
