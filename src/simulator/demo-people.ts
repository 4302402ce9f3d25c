/**
 * The people of demo mode. Agents Playground shows one signed-in user per process, so demo mode ships two
 * Playground configs: the approver (`.m365agentsplayground.yml`) and a non-approver
 * (`test/e2e/playground/non-approver.yml`). Their ids live here so the bot's approver list and the configs
 * cannot drift apart; `test/e2e/playground/config.test.ts` holds the YAML files to these values.
 */
export interface DemoPerson {
  /** Bot Framework channel account id (`from.id`) the Playground sends. */
  id: string;
  name: string;
  /** Entra object id (`from.aadObjectId`): what `TRIAGE_APPROVERS` lists. */
  aadObjectId: string;
  userPrincipalName: string;
}

export const DEMO_TENANT_ID = '8a5c7e10-5d3f-4b9e-9c2a-0d3e1f7a6b42';

export const DEMO_APPROVER: DemoPerson = {
  id: 'demo-user-alex',
  name: 'Alex Approver',
  aadObjectId: 'a1e0a1e0-7c3b-4f6e-9a2d-000000000a11',
  userPrincipalName: 'alex.approver@contoso.example',
};

export const DEMO_NON_APPROVER: DemoPerson = {
  id: 'demo-user-sam',
  name: 'Sam Oncall',
  aadObjectId: '5a305a30-7c3b-4f6e-9a2d-000000000b22',
  userPrincipalName: 'sam.oncall@contoso.example',
};

/** What demo mode puts in the approver list when `TRIAGE_APPROVERS` is not set. */
export const DEMO_APPROVER_IDS: readonly string[] = [DEMO_APPROVER.aadObjectId];
