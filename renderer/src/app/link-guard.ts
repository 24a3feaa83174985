/**
 * Keeps the app where it is: a click on any link that is not an in-app route is stopped, and
 * https links go to the system browser through `openExternal` (other schemes are refused).
 */
import { openExternal } from '../api';

/** True for in-app hash routes like `#/deploy`. */
function isInAppHref(href: string): boolean {
  return href.startsWith('#');
}

/** Installs the guard on the document; returns a function that removes it. */
export function installLinkGuard(doc: Document = document): () => void {
  const onClick = (event: MouseEvent) => {
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor) return;
    const href = anchor.getAttribute('href') ?? '';
    if (href === '' || isInAppHref(href)) return;
    event.preventDefault();
    void openExternal(anchor.href);
  };
  const onAuxClick = (event: MouseEvent) => {
    if ((event.target as Element | null)?.closest?.('a')) onClick(event);
  };
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('auxclick', onAuxClick, true);
  return () => {
    doc.removeEventListener('click', onClick, true);
    doc.removeEventListener('auxclick', onAuxClick, true);
  };
}
