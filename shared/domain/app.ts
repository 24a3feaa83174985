/** App-level facts: version, mode, recent projects, the sandbox's status. */

export interface AppInfo {
  name: string;
  version: string;
  /** `desktop` under Electron, `web` through the HTTP bridge. */
  shell: 'desktop' | 'web';
  platform: string;
  dataDir: string;
  /** True when a native folder picker exists (desktop only). */
  nativeDialogs: boolean;
}

export interface RecentProject {
  dir: string;
  name: string;
  openedAt: string;
  pinned?: { account: string; region: string };
  lastDeployment?: { id: string; outcome: string; finishedAt?: string };
}

export interface SandboxStatus {
  running: boolean;
  endpoint?: string;
  dataFile?: string;
  speed: 'instant' | 'realistic';
}

export interface FolderCheck {
  dir: string;
  exists: boolean;
  isDirectory: boolean;
  composeFiles: string[];
  message?: string;
}
