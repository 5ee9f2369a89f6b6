import { describe, expect, it } from 'vitest';
import { DECISION_VERB } from './decision-text';

describe('DECISION_VERB', () => {
  it('reads as a sentence with the person first', () => {
    expect(`Ada ${DECISION_VERB.withdrawn} the handoff`).toBe('Ada withdrew the handoff');
    expect(`Bo ${DECISION_VERB['changes-requested']} the handoff`).toBe('Bo asked for changes to the handoff');
  });
});
