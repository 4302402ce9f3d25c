/**
 * `aks-registry-triage explain`: what was read from a pasted error and what it means, without touching
 * Azure. The JSON shape is the contract: `{ refs: { cluster?, registry?, image?, namespace?, pod? },
 * errors: [ { class, meaning, checks } ] }`.
 */
import type { PasteReading } from '../triage/paste';

export function explainJson(reading: PasteReading): string {
  return JSON.stringify(
    { refs: reading.refs, errors: reading.errors.map((e) => ({ class: e.class, meaning: e.meaning, checks: e.checks })) },
    null,
    2,
  );
}

export function explainText(reading: PasteReading): string {
  const { refs, errors } = reading;
  const lines = ['Read from the text:'];
  const rows: [string, string | undefined][] = [
    ['cluster', refs.cluster],
    ['registry', refs.registry],
    ['image', refs.image],
    ['namespace', refs.namespace],
    ['pod', refs.pod],
  ];
  for (const [label, value] of rows) lines.push(`  ${`${label}:`.padEnd(11)}${value ?? '—'}`);
  if (errors.length === 0) {
    lines.push('', 'No pull error recognised in the text.');
  } else {
    lines.push('', 'What the error means:');
    errors.forEach((e, i) => {
      lines.push(`  ${i + 1}. ${e.class} — ${e.meaning}`);
      if (e.checks.length > 0) lines.push(`     checks: ${e.checks.join(', ')}`);
      lines.push(`     seen: ${e.excerpt}`);
    });
  }
  const missing = [refs.cluster ? undefined : '--cluster <ref>', refs.registry || refs.image ? undefined : '--registry <ref>'].filter(Boolean);
  lines.push('', `To triage it: aks-registry-triage check --from-text - ${missing.join(' ')}`.trimEnd() + ' < the same text');
  return lines.join('\n');
}
