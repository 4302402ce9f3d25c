/** The checks every rendered card must pass: schema-valid for the adaptivecards parser, fully expanded, small enough. */
import { AdaptiveCard, SerializationContext } from 'adaptivecards';
import { MAX_CARD_BYTES, cardBytes, type CardJson } from '../../src/channels/adaptive-card';

export function cardProblems(card: CardJson): string[] {
  const problems: string[] = [];
  const ac = new AdaptiveCard();
  const context = new SerializationContext();
  ac.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of ac.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const json = JSON.stringify(card);
  if (json.includes('${')) problems.push('unexpanded template expression');
  if (cardBytes(card) > MAX_CARD_BYTES) problems.push(`card is ${cardBytes(card)} bytes`);
  if (card.version !== '1.5') problems.push(`version ${String(card.version)}`);
  return problems;
}

/** Every Action.Execute's data, wherever it sits in the card. */
export function executeData(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute') found.push((o.data ?? {}) as Record<string, unknown>);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}
