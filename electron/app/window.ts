/** The main window: hardened web preferences, remembered size and position. */
import { BrowserWindow, screen } from 'electron';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../util/json-file';

const boundsSchema = z.object({ x: z.number(), y: z.number(), width: z.number().min(400), height: z.number().min(300), maximized: z.boolean() });
type SavedBounds = z.infer<typeof boundsSchema>;

/** The web preferences every Berth window uses (DESIGN.md §7). */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Opens the main window where it was last closed, on a screen that still exists. */
export async function createMainWindow(dataDir: string, preload: string): Promise<BrowserWindow> {
  const stateFile = join(dataDir, 'window.json');
  const saved = await readJsonFile<typeof boundsSchema>(stateFile, boundsSchema, { x: -1, y: -1, width: 1280, height: 820, maximized: false });
  const visible = screen.getAllDisplays().some((d) => {
    const a = d.workArea;
    return saved.x >= a.x && saved.y >= a.y && saved.x < a.x + a.width && saved.y < a.y + a.height;
  });
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(visible ? { x: saved.x, y: saved.y } : {}),
    minWidth: 960,
    minHeight: 640,
    title: 'Berth',
    show: false,
    webPreferences: secureWebPreferences(preload),
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const b = win.getNormalBounds();
    const state: SavedBounds = { ...b, maximized: win.isMaximized() };
    void writeJsonFile(stateFile, state);
  });
  return win;
}
