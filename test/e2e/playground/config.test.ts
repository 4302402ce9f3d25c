/**
 * The Playground configs name who is signed in; demo mode's approver list names who may grant. If they
 * drift apart the demo's grant button refuses everybody (or, worse, the "non-approver" may grant), so the
 * YAML files are held to src/simulator/demo-people.ts here.
 */
import { readFileSync } from 'node:fs';
import { DEMO_APPROVER, DEMO_APPROVER_IDS, DEMO_NON_APPROVER, DEMO_TENANT_ID, type DemoPerson } from '../../../src/simulator/demo-people';
import { APPROVER_CONFIG, NON_APPROVER_CONFIG } from './harness';

/** The scalar fields of a top-level YAML mapping (`currentUser:` / `personalChat:`), as the Playground's files write them. */
function block(file: string, key: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.indexOf(`${key}:`);
  if (start < 0) throw new Error(`${file} has no top-level "${key}:"`);
  const fields: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}(\w+): *(.*)$/.exec(line);
    if (!m) break;
    fields[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return fields;
}

function topLevel(file: string, key: string): string | undefined {
  return new RegExp(`^${key}: *"?([^"\\n]*)"?$`, 'm').exec(readFileSync(file, 'utf8'))?.[1];
}

const signedIn = (file: string) => block(file, 'currentUser');
const asPerson = (p: DemoPerson) => ({ id: p.id, name: p.name, aadObjectId: p.aadObjectId, userPrincipleName: p.userPrincipalName });

describe('Agents Playground configs agree with the demo people', () => {
  it('signs in the demo approver in the default config', () => {
    expect(signedIn(APPROVER_CONFIG)).toMatchObject(asPerson(DEMO_APPROVER));
    expect(DEMO_APPROVER_IDS).toContain(signedIn(APPROVER_CONFIG).aadObjectId);
  });

  it('signs in someone who is not an approver in the second config', () => {
    expect(signedIn(NON_APPROVER_CONFIG)).toMatchObject(asPerson(DEMO_NON_APPROVER));
    expect(DEMO_APPROVER_IDS).not.toContain(signedIn(NON_APPROVER_CONFIG).aadObjectId);
  });

  it('keeps the two people in one tenant but in separate personal chats', () => {
    expect(topLevel(APPROVER_CONFIG, 'tenantId')).toBe(DEMO_TENANT_ID);
    expect(topLevel(NON_APPROVER_CONFIG, 'tenantId')).toBe(DEMO_TENANT_ID);
    expect(block(APPROVER_CONFIG, 'personalChat').id).not.toBe(block(NON_APPROVER_CONFIG, 'personalChat').id);
  });

  it('uses approver ids the bot settings accept (lower-case Entra object ids)', () => {
    for (const id of DEMO_APPROVER_IDS) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
