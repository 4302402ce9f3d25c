/**
 * Which Slack workspaces the bot serves (TRIAGE_SLACK_TEAMS: team ids `T…` and Enterprise Grid ids `E…`).
 * A signed request proves Slack sent it, not that the person belongs to us: an app installed in another
 * workspace, or a Slack Connect guest in a shared channel, is signed just the same. Every id a payload names
 * — the workspace it came through and the person's own team — must be on the list.
 */

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Team and enterprise ids an Events API or interactivity payload names (workspace and person). */
export function teamsOf(body: unknown): string[] {
  const event = field(body, 'event');
  const ids = [
    str(field(body, 'team_id')),
    str(field(field(body, 'team'), 'id')),
    str(field(body, 'enterprise_id')),
    str(field(field(body, 'enterprise'), 'id')),
    str(field(field(body, 'user'), 'team_id')),
    str(field(event, 'user_team')),
    str(field(event, 'team')),
  ];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** True when every id the payload names is allowed (and it names one); always true with no list. */
export function workspaceAllowed(body: unknown, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const ids = teamsOf(body);
  return (
    ids.length > 0 && ids.every((id) => allowed.includes(id) || (id.startsWith('T') && ids.some((e) => e.startsWith('E') && allowed.includes(e))))
  );
}
