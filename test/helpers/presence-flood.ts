import * as encoding from 'lib0/encoding';

/**
 * One y-protocols awareness message carrying `entries` presence states for made-up client ids
 * from `firstClientId` up: the flood a hostile client sends to make the server relay it to
 * everyone (used by the trust-boundary tests and bench:sync's perturbation).
 */
export function presenceFlood(entries: number, firstClientId: number): Uint8Array {
  return encoding.encode((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, encoding.encode((a) => {
      encoding.writeVarUint(a, entries);
      for (let i = 0; i < entries; i++) {
        encoding.writeVarUint(a, firstClientId + i);
        encoding.writeVarUint(a, 1);
        encoding.writeVarString(a, '{"user":{"name":"flood"}}');
      }
    }));
  });
}
