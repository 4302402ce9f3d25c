/** Every view of the conversation as an Adaptive Card (the templates live in src/channels/adaptive-card.ts). */
import { askCard, auditCard, findingsCard, helpCard, noticeCard, progressCard, type CardJson } from '../channels/adaptive-card';
import { cardWithBanner } from '../channels/alert-banner';
import type { ConversationView, FindingsView } from '../conversation/port';

export type { CardJson };

export function renderCard(view: ConversationView, refreshUserIds: readonly string[]): CardJson {
  const card = render(view, refreshUserIds);
  // Findings carry their banner themselves (a refusal shows them too); progress and notices get it here.
  return (view.kind === 'progress' || view.kind === 'notice') && view.banner ? cardWithBanner(card, view.banner) : card;
}

function render(view: ConversationView, refreshUserIds: readonly string[]): CardJson {
  switch (view.kind) {
    case 'help':
      return helpCard(view.view);
    case 'ask':
      return askCard(view.view);
    case 'progress':
      return progressCard(view.view);
    case 'findings':
      return findings(view, refreshUserIds);
    case 'notice':
      return noticeCard(view.view);
    case 'audit':
      return auditCard(view.view);
    case 'refusal': {
      const banner = noticeCard(view.view);
      if (!view.findings) return banner;
      const card = findings(view.findings, refreshUserIds);
      const body = Array.isArray(card.body) ? card.body : [];
      const elements = Array.isArray(banner.body) ? banner.body : [];
      // Top and bottom: clients keep the view at the bottom of a tall card, next to the button just pressed.
      return { ...card, body: [...elements, ...body, ...structuredClone(elements)] };
    }
  }
}

function findings(view: FindingsView, refreshUserIds: readonly string[]): CardJson {
  const card = findingsCard(view.snapshot, view.offer ? { ...view.offer, refreshUserIds } : {});
  return view.banner ? cardWithBanner(card, view.banner) : card;
}
