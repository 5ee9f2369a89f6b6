import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { stampAwarenessUpdate } from './awareness-stamp.ts';

const BOB = { memberId: 'm_bob', name: 'Bob', role: 'editor' as const };

/** An awareness update as a y-websocket client sends it, for a client with `state`. */
function updateFrom(state: Record<string, unknown> | null, clientId = 7) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  return { update: awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]), clientId };
}

/** What another client sees after the (stamped) update. */
function seen(update: Uint8Array): Map<number, Record<string, unknown>> {
  const observer = new awarenessProtocol.Awareness(new Y.Doc());
  awarenessProtocol.applyAwarenessUpdate(observer, update, 'server');
  const states = new Map(observer.getStates() as Map<number, Record<string, unknown>>);
  states.delete(observer.clientID);
  return states;
}

describe('stampAwarenessUpdate', () => {
  it('writes the connection’s identity over what the client claims, and keeps the rest', () => {
    const { update, clientId } = updateFrom({ user: { memberId: 'm_ada', name: 'Ada', role: 'owner', color: '#f00', viewing: 'incidents' }, selection: { anchor: 3 } });
    const stamped = stampAwarenessUpdate(update, BOB, () => false);
    expect(stamped.clientIds).toEqual([clientId]);
    expect(seen(stamped.update).get(clientId)).toEqual({
      user: { memberId: 'm_bob', name: 'Bob', role: 'editor', color: '#f00', viewing: 'incidents' },
      selection: { anchor: 3 },
    });
  });

  it('gives a malformed user field the identity and leaves a state without one alone', () => {
    expect(seen(stampAwarenessUpdate(updateFrom({ user: 'Ada (owner)' }).update, BOB, () => false).update).get(7)).toEqual({ user: { memberId: 'm_bob', name: 'Bob', role: 'editor' } });
    expect(seen(stampAwarenessUpdate(updateFrom({ cursor: 1 }).update, BOB, () => false).update).get(7)).toEqual({ cursor: 1 });
  });

  it('drops entries for clients another connection speaks for', () => {
    const { update } = updateFrom({ user: { name: 'x' } }, 42);
    const stamped = stampAwarenessUpdate(update, BOB, (id) => id === 42);
    expect(stamped.clientIds).toEqual([]);
    expect(seen(stamped.update).size).toBe(0);
  });

  it('throws on a state that is not JSON (the room closes such a connection as malformed)', () => {
    const bad = new Uint8Array([1, 7, 1, 3, 0x7b, 0x7b, 0x7b]); // one entry: client 7, clock 1, "{{{"
    expect(() => stampAwarenessUpdate(bad, BOB, () => false)).toThrow();
  });
});
