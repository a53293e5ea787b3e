/** GraphQL documents several test files send, written once. */

/** Records one interaction; answers with whether it was a replay and the event as stored. */
export const RECORD_INTERACTION = `mutation ($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { replayed interaction { id kind counted occurredAt user { id } item { id } } } }`;
