// The preload exposes one generic call; the contract's types and validation live in
// src/shared/host-contract.ts and in the main process, not here.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('driftdeskHost', {
  invoke: (channel: string, req: unknown): Promise<unknown> => ipcRenderer.invoke('driftdesk:host', channel, req),
  onEvent: (listener: (message: unknown) => void): (() => void) => {
    const forward = (_event: unknown, message: unknown) => listener(message);
    ipcRenderer.on('driftdesk:event', forward);
    return () => ipcRenderer.off('driftdesk:event', forward);
  },
});
