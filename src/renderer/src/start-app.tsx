/**
 * The app itself: the host client, the early open of a workspace, React. Loaded by main.tsx
 * once boot.ts has drawn what it can of the last screen (or at once, when it has nothing to draw).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createHostClient } from './host/host-client';
import { listenShellCommands } from './host/shell-commands';
import { startEarlyOpen } from './session/early-open';
import { parseHashRoute } from './session/hash-route';

const host = createHostClient();
// A link or reload into a workspace: ask the host for it now, while React starts.
startEarlyOpen(host, parseHashRoute(location.hash));
// For the page's lifetime: the desktop shell's menu items and deep links (no-op in browser mode).
listenShellCommands(host);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={host} />
  </StrictMode>,
);
