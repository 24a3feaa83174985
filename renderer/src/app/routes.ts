/** The app's screens, in navigation order. Routes live in the URL hash so reloads keep the screen. */
import { useEffect, useState } from 'react';

export const SCREENS = [
  { route: 'connect', label: 'Connect', needsProject: false },
  { route: 'projects', label: 'Projects', needsProject: false },
  { route: 'project', label: 'Project', needsProject: true },
  { route: 'preview', label: 'Preview', needsProject: true },
  { route: 'secrets', label: 'Secrets', needsProject: true },
  { route: 'deploy', label: 'Deploy', needsProject: true },
  { route: 'logs', label: 'Logs', needsProject: true },
  { route: 'inventory', label: 'Inventory', needsProject: false },
] as const;

export type ScreenRoute = (typeof SCREENS)[number]['route'];

function parseHash(hash: string): { route: ScreenRoute; params: URLSearchParams } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const route = (SCREENS.find((s) => s.route === path)?.route ?? 'projects') as ScreenRoute;
  return { route, params: new URLSearchParams(query) };
}

/** Shows a screen (optionally with query parameters). */
export function navigate(route: ScreenRoute | string): void {
  window.location.hash = `#/${route}`;
}

/** The current screen and its parameters; re-renders on navigation. */
export function useRoute(): { route: ScreenRoute; params: URLSearchParams } {
  const [state, setState] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setState(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return state;
}
