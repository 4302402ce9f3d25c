/**
 * ABAC repository conditions on ACR role assignments (docs/domain.md#abac-conditions): parse one, decide whether it admits
 * pulling a repository, and describe it for people. Anything outside the grammar we understand is "cannot evaluate" —
 * never guessed.
 */
import type { Evidence } from './evidence';
import { askedRegistry, registryPullFailures, splitReference } from './failing-pods';
import { actionMatches, PULL_DATA_ACTION } from './roles';

export const REPOSITORY_ATTRIBUTE = 'Microsoft.ContainerRegistry/registries/repositories:name';

type Quantifier = 'ForAnyOfAnyValues' | 'ForAllOfAnyValues' | 'ForAnyOfAllValues' | 'ForAllOfAllValues';

type Node =
  | { t: 'and' | 'or'; left: Node; right: Node }
  | { t: 'not'; inner: Node }
  | { t: 'action'; pattern: string }
  | { t: 'compare'; quantifier?: Quantifier; operator: string; values: string[] };

type Token =
  | { k: 'punct'; v: '(' | ')' | '{' | '}' | ',' | '!' }
  | { k: 'string'; v: string }
  | { k: 'word'; v: string }
  | { k: 'attribute'; source: string; name: string };

class ConditionSyntaxError extends Error {
  readonly code = 'ConditionSyntax';
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if ('(){},!'.includes(c)) {
      tokens.push({ k: 'punct', v: c as '(' | ')' | '{' | '}' | ',' | '!' });
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ConditionSyntaxError('a quoted value is not closed');
      tokens.push({ k: 'string', v: text.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '@') {
      const m = /^@(\w+)\[([^\]]*)\]/.exec(text.slice(i));
      if (!m) throw new ConditionSyntaxError(`unreadable attribute at "${text.slice(i, i + 30)}"`);
      tokens.push({ k: 'attribute', source: m[1], name: m[2].trim() });
      i += m[0].length;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      tokens.push({ k: 'word', v: text.startsWith('&&', i) ? 'AND' : 'OR' });
      i += 2;
    } else {
      const m = /^[A-Za-z][A-Za-z0-9:]*/.exec(text.slice(i));
      if (!m) throw new ConditionSyntaxError(`unexpected "${c}"`);
      tokens.push({ k: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

const STRING_OPERATORS = new Set(
  [
    'StringEquals',
    'StringEqualsIgnoreCase',
    'StringNotEquals',
    'StringNotEqualsIgnoreCase',
    'StringStartsWith',
    'StringStartsWithIgnoreCase',
    'StringNotStartsWith',
    'StringNotStartsWithIgnoreCase',
    'StringLike',
    'StringNotLike',
  ].map((o) => o.toLowerCase()),
);
const QUANTIFIERS: readonly Quantifier[] = ['ForAnyOfAnyValues', 'ForAllOfAnyValues', 'ForAnyOfAllValues', 'ForAllOfAllValues'];

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) throw new ConditionSyntaxError(`unexpected ${describe(this.tokens[this.pos])}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.k === 'word' && t.v.toUpperCase() === word;
  }

  private expectPunct(v: string): void {
    const t = this.tokens[this.pos++];
    if (t?.k !== 'punct' || t.v !== v) throw new ConditionSyntaxError(`expected "${v}" but found ${describe(t)}`);
  }

  private or(): Node {
    let left = this.and();
    while (this.isWord('OR')) {
      this.pos++;
      left = { t: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.isWord('AND')) {
      this.pos++;
      left = { t: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    const t = this.peek();
    if ((t?.k === 'punct' && t.v === '!') || this.isWord('NOT')) {
      this.pos++;
      return { t: 'not', inner: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.tokens[this.pos++];
    if (t?.k === 'punct' && t.v === '(') {
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    if (t?.k === 'word' && t.v.toLowerCase() === 'actionmatches') {
      this.expectPunct('{');
      const pattern = this.tokens[this.pos++];
      if (pattern?.k !== 'string') throw new ConditionSyntaxError('ActionMatches needs a quoted action');
      this.expectPunct('}');
      return { t: 'action', pattern: pattern.v };
    }
    if (t?.k === 'attribute') return this.comparison(t);
    if (t?.k === 'word') throw new ConditionSyntaxError(`"${t.v}" is not supported`);
    throw new ConditionSyntaxError(`unexpected ${describe(t)}`);
  }

  private comparison(attribute: Extract<Token, { k: 'attribute' }>): Node {
    if (!['request', 'resource'].includes(attribute.source.toLowerCase()) || attribute.name.toLowerCase() !== REPOSITORY_ATTRIBUTE.toLowerCase())
      throw new ConditionSyntaxError(`attribute @${attribute.source}[${attribute.name}] is not supported`);
    const op = this.tokens[this.pos++];
    if (op?.k !== 'word') throw new ConditionSyntaxError(`expected an operator after @${attribute.source}[${attribute.name}]`);
    const [first, second] = op.v.split(':');
    const quantifier = second === undefined ? undefined : QUANTIFIERS.find((q) => q.toLowerCase() === first.toLowerCase());
    const operator = second === undefined ? first : second;
    if (second !== undefined && !quantifier) throw new ConditionSyntaxError(`operator "${op.v}" is not supported`);
    if (!STRING_OPERATORS.has(operator.toLowerCase())) throw new ConditionSyntaxError(`operator "${op.v}" is not supported`);
    return { t: 'compare', quantifier, operator: operator.toLowerCase(), values: this.values(quantifier !== undefined) };
  }

  private values(list: boolean): string[] {
    const t = this.tokens[this.pos++];
    if (t?.k === 'string') return [t.v];
    if (list && t?.k === 'punct' && t.v === '{') {
      const values: string[] = [];
      for (;;) {
        const v = this.tokens[this.pos++];
        if (v?.k !== 'string') throw new ConditionSyntaxError('expected a quoted value in a value list');
        values.push(v.v);
        const sep = this.tokens[this.pos++];
        if (sep?.k === 'punct' && sep.v === '}') return values;
        if (sep?.k !== 'punct' || sep.v !== ',') throw new ConditionSyntaxError('expected "," or "}" in a value list');
      }
    }
    throw new ConditionSyntaxError(list ? 'expected a quoted value or a {…} list' : 'expected a quoted value');
  }
}

function describe(t: Token | undefined): string {
  if (!t) return 'the end of the condition';
  if (t.k === 'attribute') return `@${t.source}[${t.name}]`;
  return `"${t.v}"`;
}

function likeMatches(pattern: string, value: string): boolean {
  const re = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`).test(value);
}

function compareOne(operator: string, value: string, operand: string): boolean {
  const lower = (s: string) => s.toLowerCase();
  switch (operator) {
    case 'stringequals':
      return value === operand;
    case 'stringequalsignorecase':
      return lower(value) === lower(operand);
    case 'stringnotequals':
      return value !== operand;
    case 'stringnotequalsignorecase':
      return lower(value) !== lower(operand);
    case 'stringstartswith':
      return value.startsWith(operand);
    case 'stringstartswithignorecase':
      return lower(value).startsWith(lower(operand));
    case 'stringnotstartswith':
      return !value.startsWith(operand);
    case 'stringnotstartswithignorecase':
      return !lower(value).startsWith(lower(operand));
    case 'stringlike':
      return likeMatches(operand, value);
    case 'stringnotlike':
      return !likeMatches(operand, value);
    default:
      throw new ConditionSyntaxError(`operator "${operator}" is not supported`);
  }
}

/** Three-valued: undefined = depends on the repository, which is not known. */
function evaluate(node: Node, repository: string | undefined): boolean | undefined {
  switch (node.t) {
    case 'action':
      return actionMatches(node.pattern, PULL_DATA_ACTION);
    case 'not': {
      const v = evaluate(node.inner, repository);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      const l = evaluate(node.left, repository);
      const r = evaluate(node.right, repository);
      if (l === false || r === false) return false;
      return l === true && r === true ? true : undefined;
    }
    case 'or': {
      const l = evaluate(node.left, repository);
      const r = evaluate(node.right, repository);
      if (l === true || r === true) return true;
      return l === false && r === false ? false : undefined;
    }
    case 'compare': {
      if (repository === undefined) return undefined;
      // The repository name is a single value, so "any of" and "all of" the attribute's values coincide.
      const all = node.quantifier === 'ForAnyOfAllValues' || node.quantifier === 'ForAllOfAllValues';
      const hits = node.values.map((v) => compareOne(node.operator, repository, v));
      return all ? hits.every(Boolean) : hits.some(Boolean);
    }
  }
}

export type ConditionVerdict =
  | { result: 'admits' }
  | { result: 'excludes' }
  /** The condition turns on the repository name and none was given. */
  | { result: 'needs-repository' }
  | { result: 'cannot-evaluate'; reason: string };

function parse(condition: string): { ok: true; node: Node } | { ok: false; reason: string } {
  try {
    return { ok: true, node: new Parser(tokenize(condition)).parse() };
  } catch (err) {
    if (err instanceof ConditionSyntaxError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Does this condition let its role pull (read content of) `repository`? */
export function evaluateCondition(condition: string, repository?: string): ConditionVerdict {
  const parsed = parse(condition);
  if (!parsed.ok) return { result: 'cannot-evaluate', reason: parsed.reason };
  const value = evaluate(parsed.node, repository);
  if (value === undefined) return { result: 'needs-repository' };
  return { result: value ? 'admits' : 'excludes' };
}

const PHRASES: Record<string, string> = {
  stringequals: 'named',
  stringequalsignorecase: 'named',
  stringnotequals: 'not named',
  stringnotequalsignorecase: 'not named',
  stringstartswith: 'starting with',
  stringstartswithignorecase: 'starting with',
  stringnotstartswith: 'not starting with',
  stringnotstartswithignorecase: 'not starting with',
  stringlike: 'matching',
  stringnotlike: 'not matching',
};

function comparisons(node: Node): Extract<Node, { t: 'compare' }>[] {
  switch (node.t) {
    case 'compare':
      return [node];
    case 'not':
      return comparisons(node.inner);
    case 'and':
    case 'or':
      return [...comparisons(node.left), ...comparisons(node.right)];
    default:
      return [];
  }
}

/** "repositories starting with "team-a/"" — or the condition verbatim when it cannot be read. */
export function describeCondition(condition: string): string {
  const parsed = parse(condition);
  if (!parsed.ok) return `the condition ${JSON.stringify(condition)}`;
  const parts = comparisons(parsed.node).map((c) => {
    const joiner = c.quantifier === 'ForAnyOfAllValues' || c.quantifier === 'ForAllOfAllValues' ? ' and ' : ' or ';
    return `${PHRASES[c.operator] ?? c.operator} ${c.values.map((v) => `"${v}"`).join(joiner)}`;
  });
  if (parts.length === 0) return 'a condition that does not name repositories';
  return `repositories ${parts.join(' or ')}`;
}

/** The documented condition (docs/domain.md#abac-conditions) that limits a repository role to one repository. */
export function repositoryCondition(repository: string): string {
  return (
    "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND " +
    "!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR " +
    `(@Request[${REPOSITORY_ATTRIBUTE}] StringEqualsIgnoreCase '${repository}'))`
  );
}

/**
 * The repositories a condition must admit: the image the person named, else the images of this registry's
 * failing containers for which kubelet did ask the registry (a malformed reference never reaches a condition).
 */
export function repositoriesToCheck(evidence: Evidence): string[] {
  if (evidence.target.image?.repository) return [evidence.target.image.repository];
  const repos = registryPullFailures(evidence)
    .filter(askedRegistry)
    .map((f) => splitReference(f.image).repository)
    .filter((r) => r !== '');
  return [...new Set(repos)].sort();
}
