import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { serverBehind } from './server-behind.ts';

const vector = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

describe('serverBehind', () => {
  it('counts what a restored server lost, and not what this device has yet to send', () => {
    const server = new Y.Doc();
    const ada = new Y.Doc();
    const bob = new Y.Doc();
    ada.getArray('a').push(['first']);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(ada));
    // The backup: the server as it was here.
    const backup = Y.encodeStateAsUpdate(server);
    bob.getArray('a').push(['b1', 'b2']);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(bob));
    Y.applyUpdate(ada, Y.encodeStateAsUpdate(server));
    // Ada edits offline: those are hers to send, not a loss.
    ada.getArray('a').push(['offline']);
    const restored = new Y.Doc();
    Y.applyUpdate(restored, backup);

    expect(serverBehind(vector(ada), vector(server), new Set([ada.clientID]))).toBeNull();
    expect(serverBehind(vector(ada), vector(restored), new Set([ada.clientID]))).toEqual({ clients: 1, items: 2 });
    // Without knowing what is unsent, Ada's offline item would be counted as lost too.
    expect(serverBehind(vector(ada), vector(restored), new Set())).toEqual({ clients: 2, items: 3 });
  });
});
