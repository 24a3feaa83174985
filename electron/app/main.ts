/**
 * The Electron main process: builds the app context, registers IPC from the handler map,
 * hardens every web contents and session, opens the window and the menu. Everything else
 * lives in the plain-Node engine folders.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { createContext } from '../api/context';
import { handlers } from '../api/handlers';
import { registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { APP_ENTRY_URL, registerAppScheme, serveAppScheme } from './protocol';
import { guardContents, guardSession, isExternalSafe } from './security';
import { createMainWindow } from './window';

// The renderer is served on app://berth/ from dist/renderer (inside app.asar when packaged), not
// from file://: the packaged binary grants file:// no extra privileges (electron-builder.yml).
const appUrl = APP_ENTRY_URL;
const preload = join(__dirname, 'preload.cjs');

let mainWindow: BrowserWindow | null = null;
// Since Electron 43 an open dialog without `defaultPath` starts in Downloads and the OS no longer
// remembers the last folder: start beside the last project picked, else in the home folder.
let lastPickedParent: string | undefined;

function openExternal(url: string): Promise<void> {
  if (!isExternalSafe(url)) return Promise.resolve();
  return shell.openExternal(url);
}

async function start(): Promise<void> {
  const ctx = createContext({
    shell: 'desktop',
    version: app.getVersion(),
    dataDir: app.getPath('userData'),
    abilities: {
      openExternal,
      pickFolder: async () => {
        const options: Electron.OpenDialogOptions = {
          title: 'Open a Compose project folder',
          defaultPath: lastPickedParent ?? app.getPath('home'),
          properties: ['openDirectory'],
        };
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        if (result.canceled || result.filePaths.length === 0) return null;
        const dir = result.filePaths[0]!;
        lastPickedParent = dirname(dir);
        return dir;
      },
      notify: (title, body) => {
        if (Notification.isSupported() && !mainWindow?.isFocused()) new Notification({ title, body }).show();
      },
    },
  });
  ctx.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
  });
  registerIpc(ipcMain, handlers, ctx, appUrl);
  guardSession(session.defaultSession);
  // `protocol` is the default session's, which the window uses (it sets no partition).
  serveAppScheme(protocol, join(app.getAppPath(), 'dist', 'renderer'));
  app.on('web-contents-created', (_e, contents) => guardContents(contents, appUrl, (url) => void openExternal(url)));
  app.on('before-quit', () => void ctx.dispose());

  const go = (route: string) => ctx.emit('app:navigate', { route });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform === 'darwin', {
        openFolder: () => go('projects?open=1'),
        go,
      }),
    ),
  );

  mainWindow = await createMainWindow(ctx.dataDir, preload);
  mainWindow.on('closed', () => (mainWindow = null));
  await mainWindow.loadURL(appUrl);
}

// Privileged schemes can only be registered before `ready`, and only once.
registerAppScheme(protocol);

// One instance: a second launch focuses the existing window (two deploy engines would race).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}
