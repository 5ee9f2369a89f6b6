import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createHostClient } from './host/host-client';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={createHostClient()} />
  </StrictMode>,
);
