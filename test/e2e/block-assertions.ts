/**
 * Slack's limits on a message, checked on what the Block Kit renderer produced (documented limits of
 * chat.postMessage / chat.update: 50 blocks, 3000 characters per text, 150 per header, 75 per button label,
 * 10 context elements, 300 for a confirm dialog's text).
 */
import type { Block, SlackMessage, TextObject } from '../../src/channels/block-kit';

export function blockProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  const text = (where: string, t: TextObject, limit: number) => {
    if (t.text.length === 0) problems.push(`${where}: empty text`);
    if (t.text.length > limit) problems.push(`${where}: ${t.text.length} > ${limit} characters`);
    if (t.type === 'mrkdwn') {
      // Only links and dates (`<!date^…|…>`) may use < >; anything else must arrive escaped or Slack reads it as markup.
      const stray = t.text.replace(/<https:\/\/[^|>\s]+\|[^>]*>/g, '').replace(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|]*>/g, '');
      if (/[<>]/.test(stray)) problems.push(`${where}: unescaped < or >`);
      if ((t.text.match(/```/g) ?? []).length % 2 !== 0) problems.push(`${where}: unbalanced code fence`);
    }
  };
  if (message.text.length === 0) problems.push('no fallback text');
  if (message.blocks.length > 50) problems.push(`${message.blocks.length} blocks > 50`);
  message.blocks.forEach((b: Block, i) => {
    const at = `block ${i} (${b.type})`;
    switch (b.type) {
      case 'header':
        text(at, b.text, 150);
        break;
      case 'section':
        text(at, b.text, 3000);
        break;
      case 'context':
        if (b.elements.length === 0 || b.elements.length > 10) problems.push(`${at}: ${b.elements.length} elements`);
        b.elements.forEach((e, j) => text(`${at} element ${j}`, e, 3000));
        break;
      case 'actions':
        for (const e of b.elements) {
          text(`${at} button`, e.text, 75);
          if (e.value !== undefined && e.value.length > 2000) problems.push(`${at}: value too long`);
          if (e.confirm) {
            text(`${at} confirm title`, e.confirm.title, 100);
            text(`${at} confirm text`, e.confirm.text, 300);
            text(`${at} confirm button`, e.confirm.confirm, 30);
            text(`${at} deny button`, e.confirm.deny, 30);
          }
        }
        break;
      case 'divider':
        break;
    }
  });
  return problems;
}

/** Every button on the message: action id and value. */
export function buttonsOf(message: Pick<SlackMessage, 'blocks'>): { action_id: string; value?: string }[] {
  return message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => ({ action_id: e.action_id, value: e.value })) : []));
}

/** All text a person sees, for content assertions. */
export function blocksText(message: Pick<SlackMessage, 'blocks'>): string {
  return message.blocks
    .flatMap((b) =>
      b.type === 'header' || b.type === 'section'
        ? [b.text.text]
        : b.type === 'context'
          ? b.elements.map((e) => e.text)
          : b.type === 'actions'
            ? b.elements.map((e) => e.text.text)
            : [],
    )
    .join('\n');
}
