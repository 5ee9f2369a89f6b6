import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ownDiffVector, serverBehind } from './server-behind.ts';

const vector = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

/** Ada and Bob share a server that is then restored from a backup taken after Ada's first edit. */
function drill() {
  const server = new Y.Doc();
  const ada = new Y.Doc();
  const bob = new Y.Doc();
  ada.getMap('incidents').set('i1', 'before the backup');
  Y.applyUpdate(server, Y.encodeStateAsUpdate(ada));
  const backup = Y.encodeStateAsUpdate(server);
  ada.getMap('incidents').set('i2', 'after the backup');
  Y.applyUpdate(server, Y.encodeStateAsUpdate(ada));
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(server));
  // Bob writes while the server is gone.
  bob.getMap('comments').set('c1', 'written offline');
  const restored = new Y.Doc();
  Y.applyUpdate(restored, backup);
  return { server, ada, bob, restored };
}

describe('serverBehind', () => {
  it('tells this device’s lost edits from others’ and leaves out what was never sent', () => {
    const { server, ada, bob, restored } = drill();
    expect(serverBehind(vector(ada), vector(server), new Set([ada.clientID]), new Set())).toBeNull();
    expect(serverBehind(vector(ada), vector(restored), new Set([ada.clientID]), new Set())).toEqual({ restored: { clients: 1, items: 1 }, held: { clients: 0, items: 0 } });
    // Bob holds Ada's lost edit; his offline comment is unsent, not lost.
    expect(serverBehind(vector(bob), vector(restored), new Set([bob.clientID]), new Set([bob.clientID]))).toEqual({ restored: { clients: 0, items: 0 }, held: { clients: 1, items: 1 } });
  });

  it('ownDiffVector makes the answer carry this device’s edits only', () => {
    const { ada, bob, restored } = drill();
    const answer = Y.encodeStateAsUpdate(bob, Y.encodeStateVector(ownDiffVector(vector(bob), vector(restored), new Set([bob.clientID]))));
    expect([...Y.parseUpdateMeta(answer).to.keys()]).toEqual([bob.clientID]);
    Y.applyUpdate(restored, answer);
    expect(restored.getMap('comments').get('c1')).toBe('written offline');
    expect(restored.getMap('incidents').has('i2')).toBe(false);
    // Ada's own answer brings hers back.
    Y.applyUpdate(restored, Y.encodeStateAsUpdate(ada, Y.encodeStateVector(ownDiffVector(vector(ada), vector(restored), new Set([ada.clientID])))));
    expect(restored.getMap('incidents').get('i2')).toBe('after the backup');
  });
});
