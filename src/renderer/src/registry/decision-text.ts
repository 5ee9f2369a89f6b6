/**
 * A handoff decision as the verb of a sentence with the person first: "Ada withdrew the
 * handoff", "Bo asked for changes to the handoff". The record stores the state word
 * (`withdrawn`); a sentence needs the past tense of the act.
 */
import type { HandoffDecision } from '../../../core/workspace';

export const DECISION_VERB: Readonly<Record<HandoffDecision, string>> = {
  accepted: 'accepted',
  rejected: 'rejected',
  'changes-requested': 'asked for changes to',
  resubmitted: 'resubmitted',
  withdrawn: 'withdrew',
};
