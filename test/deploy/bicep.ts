/**
 * Just enough of Bicep to test our templates without the Bicep compiler (not available from npm): comments
 * removed, resource blocks found by string-aware brace matching, single-line string variables resolved.
 * Anything it does not understand is left as text, so tests fail rather than guess.
 */
export interface BicepResource {
  symbol: string;
  type: string;
  existing: boolean;
  /** `if (…)` condition text when the resource is conditional. */
  condition?: string;
  body: string;
}

/** Removes // and /* *\/ comments, leaving strings (which may contain //, as URLs do) alone. */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === "'") inString = false;
    } else if (c === "'") {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The text from `open` (an index of `{`, `[` or `(`) to its matching closer, brackets inside strings ignored. */
function balanced(text: string, open: number): string {
  const opener = text[open];
  const closer = ({ '{': '}', '[': ']', '(': ')' } as Record<string, string>)[opener];
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === opener) depth++;
    else if (c === closer && --depth === 0) return text.slice(open, i + 1);
  }
  throw new Error(`unbalanced ${opener} at ${open}`);
}

export function resources(source: string): BicepResource[] {
  const text = stripComments(source);
  const found: BicepResource[] = [];
  const pattern = /^resource (\w+) '([^'@]+)@[^']+'( existing)? = (if \((.+?)\) )?\{/gm;
  for (const m of text.matchAll(pattern)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    found.push({ symbol: m[1], type: m[2], existing: Boolean(m[3]), ...(m[5] ? { condition: m[5] } : {}), body: balanced(text, open) });
  }
  return found;
}

/** `var name = '…'` string variables (single line), escapes undone, earlier variables interpolated. */
export function stringVars(source: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of stripComments(source).matchAll(/^var (\w+) = ('(?:[^'\\]|\\.)*')\s*$/gm)) vars[m[1]] = bicepString(m[2], vars);
  return vars;
}

/** A Bicep string literal's value with `${name}` of known variables filled in. */
export function bicepString(literal: string, vars: Record<string, string> = {}): string {
  const inner = literal.trim().replace(/^'|'$/g, '');
  return inner.replace(/\\'/g, "'").replace(/\$\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Raw value of `key:` at any depth of a body (first occurrence), up to the end of its line or its block. */
export function propertyValue(body: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s{,])'?${key.replace(/\./g, '\\.')}'?:\\s*`, 'm').exec(body);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  if (body[start] === '{' || body[start] === '[') return balanced(body, start);
  return body.slice(start).split('\n')[0].trim();
}

/** Raw value of `var name = …`: a whole array, object or function call (e.g. concat(…)), else its line. */
export function varValue(source: string, name: string): string | undefined {
  const text = stripComments(source);
  const m = new RegExp(`^var ${name} = `, 'm').exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  const bracket = /^[\w.]*[([{]/.exec(text.slice(start));
  if (bracket) return text.slice(start, start + bracket[0].length - 1) + balanced(text, start + bracket[0].length - 1);
  return text.slice(start).split('\n')[0].trim();
}

export function params(source: string): Map<string, { type: string; default?: string }> {
  const out = new Map<string, { type: string; default?: string }>();
  for (const m of stripComments(source).matchAll(/^param (\w+) (\w+)(?: = (.+))?$/gm))
    out.set(m[1], { type: m[2], ...(m[3] ? { default: m[3].trim() } : {}) });
  return out;
}

export function targetScope(source: string): string | undefined {
  return /^targetScope = '(\w+)'/m.exec(stripComments(source))?.[1];
}
