import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createHostClient } from './host/host-client';
import { listenShellCommands } from './host/shell-commands';
import './styles.css';

const host = createHostClient();
// For the page's lifetime: the desktop shell's menu items and deep links (no-op in browser mode).
listenShellCommands(host);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={host} />
  </StrictMode>,
);
