/**
 * The shape every activity must have before botbuilder and our handlers see it. Channels always send these
 * fields; a body without them is a broken or hostile client, and is answered 400 with the field at fault
 * instead of failing inside a turn (a 500, an apology for "our" error, or a reply that can never be sent).
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasId(value: unknown): boolean {
  return isObject(value) && typeof value.id === 'string' && value.id.length > 0;
}

/** What is wrong with a POSTed activity, or undefined when botbuilder can take it. */
export function activityProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body is not an activity object';
  if (typeof body.type !== 'string' || body.type === '') return 'the activity has no type';
  for (const field of ['from', 'recipient', 'conversation'] as const) {
    if (!hasId(body[field])) return `the activity has no ${field}.id`;
  }
  if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') return 'the activity text is not a string';
  for (const field of ['entities', 'membersAdded', 'membersRemoved', 'attachments'] as const) {
    const list = body[field];
    if (list !== undefined && list !== null && !(Array.isArray(list) && list.every(isObject)))
      return `the activity ${field} is not a list of objects`;
  }
  if (Array.isArray(body.membersAdded) && !body.membersAdded.every(hasId)) return 'a member added has no id';
  if (body.type === 'invoke' && body.name === 'adaptiveCard/action') {
    if (!isObject(body.value) || !isObject(body.value.action)) return 'the card action invoke has no value.action object';
    const data = body.value.action.data;
    if (data !== undefined && data !== null && !isObject(data)) return 'the card action data is not an object';
  }
  return undefined;
}
