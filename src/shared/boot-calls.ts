/**
 * The calls a page opened on `#/w/<workspaceId>/…` starts with, which the web host answers
 * unasked on a `/host?boot=<workspaceId>` socket (src/web-host/web-host.ts) and the renderer's
 * boot script records (src/renderer/src/boot.ts), so its host client can match the app's own
 * identical calls to these answers (host-client.ts). One list for both sides.
 */
import type { HostChannel } from './host-contract.ts';

export interface BootCall {
  id: string;
  channel: HostChannel;
  req: unknown;
}

export function bootCalls(workspaceId: string): BootCall[] {
  return [
    { id: 'boot-1', channel: 'workspaces.open', req: { workspaceId } },
    { id: 'boot-2', channel: 'cache.preview', req: { docId: workspaceId, list: 'incidents' } },
    // The kept screen: boot.ts draws it (the splash); the app never asks for it itself.
    { id: 'boot-3', channel: 'cache.preview', req: { docId: workspaceId, list: 'splash' } },
  ];
}

/** The id of the splash call's answer. */
export const SPLASH_CALL_ID = 'boot-3';
