/** GraphQL documents several test files send, written once (each selection is what its tests compare). */

/** Records one interaction; answers with the event as stored. */
export const RECORD_INTERACTION = `mutation ($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { replayed interaction { id kind counted occurredAt user { id } item { id } } } }`;

/** Records one interaction; answers only whether it was a replay. */
export const RECORD = `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { replayed } }`;

/** Records one interaction; answers whether it was a replay and whether it counted. */
export const RECORD_COUNTED = `mutation ($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { replayed interaction { counted } } }`;
