/**
 * The small, honest subset of KQL the emulator's Resource Graph accepts. Anything outside it is rejected with a
 * KqlError naming what is not supported, so an adapter that drifts from the subset fails loudly in tests
 * instead of silently getting other rows than Azure would give.
 *
 *   query     := table ( '|' operator )*            table := resources
 *   operator  := where expr | project item (',' item)* | limit N | take N | order by col [asc|desc] (',' …)*
 *   item      := path | name '=' value
 *   expr      := term (('and'|'or') term)*  with 'and' binding tighter; '(' expr ')'; not '(' expr ')'
 *   term      := value op value | value ('in'|'in~'|'!in'|'!in~') '(' literal (',' literal)* ')'
 *              | isempty(value) | isnotempty(value) | isnull(value) | isnotnull(value)
 *   op        := == | != | =~ | !~ | contains | !contains | has | !has | startswith | !startswith | endswith | !endswith
 *   value     := path | 'string' | "string" | number | true | false
 *              | tostring(value) | tolower(value) | toupper(value)
 *   path      := name ('.' name | '[' 'key' ']' | '[' index ']')*
 */

export class KqlError extends Error {
  readonly code = 'InvalidQuery';
}

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'op'; text: string; pos: number };

const SYMBOL_OPS = ['!in~', '!in', '==', '=~', '!=', '!~', '|', '(', ')', ',', '.', '[', ']', '='];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let text = '';
      let j = i + 1;
      for (; j < query.length && query[j] !== ch; j++) {
        if (query[j] === '\\' && j + 1 < query.length) j++;
        text += query[j];
      }
      if (j >= query.length) throw new KqlError(`Unterminated string literal at position ${i}.`);
      tokens.push({ kind: 'string', text, pos: i });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(query.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), pos: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_$][\w$]*/.exec(query.slice(i));
    if (ident) {
      const text = ident[0];
      if (text.toLowerCase() === 'in' && query[i + text.length] === '~') {
        tokens.push({ kind: 'op', text: 'in~', pos: i });
        i += 3;
      } else {
        tokens.push({ kind: 'ident', text, pos: i });
        i += text.length;
      }
      continue;
    }
    const wordNegation = /^!(contains|has|startswith|endswith)\b/i.exec(query.slice(i));
    if (wordNegation) {
      tokens.push({ kind: 'op', text: wordNegation[0].toLowerCase(), pos: i });
      i += wordNegation[0].length;
      continue;
    }
    const symbol = SYMBOL_OPS.find((op) => query.startsWith(op, i));
    if (!symbol) throw new KqlError(`Unexpected character '${ch}' at position ${i}.`);
    tokens.push({ kind: 'op', text: symbol, pos: i });
    i += symbol.length;
  }
  return tokens;
}

export type Value =
  | { kind: 'path'; segments: (string | number)[] }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'call'; name: 'tostring' | 'tolower' | 'toupper'; arg: Value };

export type Expr =
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: string; left: Value; right: Value }
  | { kind: 'in'; op: string; left: Value; list: (string | number | boolean)[] }
  | { kind: 'test'; name: string; arg: Value };

export type Operator =
  | { kind: 'where'; expr: Expr }
  | { kind: 'project'; items: { name: string; value: Value }[] }
  | { kind: 'limit'; count: number }
  | { kind: 'order'; keys: { value: Value; descending: boolean }[] };

export interface KqlQuery {
  table: string;
  operators: Operator[];
}

const COMPARISONS = new Set(['==', '!=', '=~', '!~', 'contains', '!contains', 'has', '!has', 'startswith', '!startswith', 'endswith', '!endswith']);
const IN_OPS = new Set(['in', 'in~', '!in', '!in~']);
const TESTS = new Set(['isempty', 'isnotempty', 'isnull', 'isnotnull']);
const CONVERSIONS = new Set(['tostring', 'tolower', 'toupper']);

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private describe(token: Token | undefined): string {
    if (!token) return 'end of query';
    const text = token.kind === 'number' ? String(token.value) : token.text;
    return `'${text}' at position ${token.pos}`;
  }

  private isWord(token: Token | undefined, word: string): boolean {
    return token?.kind === 'ident' && token.text.toLowerCase() === word;
  }

  private isOp(token: Token | undefined, op: string): boolean {
    return token?.kind === 'op' && token.text === op;
  }

  private expectOp(op: string): void {
    const token = this.peek();
    if (!this.isOp(token, op)) throw new KqlError(`Expected '${op}' but found ${this.describe(token)}.`);
    this.index++;
  }

  private expectIdent(): string {
    const token = this.peek();
    if (token?.kind !== 'ident') throw new KqlError(`Expected a name but found ${this.describe(token)}.`);
    this.index++;
    return token.text;
  }

  parse(): KqlQuery {
    const table = this.expectIdent();
    if (table.toLowerCase() !== 'resources') {
      throw new KqlError(`Table '${table}' is not supported by the emulator; only 'resources' is.`);
    }
    const operators: Operator[] = [];
    while (this.peek()) {
      this.expectOp('|');
      operators.push(this.parseOperator());
    }
    return { table: 'resources', operators };
  }

  private parseOperator(): Operator {
    const token = this.peek();
    const word = token?.kind === 'ident' ? token.text.toLowerCase() : '';
    this.index++;
    switch (word) {
      case 'where':
        return { kind: 'where', expr: this.parseOr() };
      case 'project':
        return { kind: 'project', items: this.parseList(() => this.parseProjectItem()) };
      case 'limit':
      case 'take': {
        const count = this.peek();
        if (count?.kind !== 'number' || !Number.isInteger(count.value))
          throw new KqlError(`'${word}' needs a whole number, found ${this.describe(count)}.`);
        this.index++;
        return { kind: 'limit', count: count.value };
      }
      case 'order':
      case 'sort': {
        if (!this.isWord(this.peek(), 'by')) throw new KqlError(`Expected 'by' after '${word}'.`);
        this.index++;
        return { kind: 'order', keys: this.parseList(() => this.parseOrderKey()) };
      }
      default:
        throw new KqlError(
          `Operator ${this.describe(token)} is not supported by the emulator's Resource Graph (supported: where, project, limit, take, order by).`,
        );
    }
  }

  private parseList<T>(item: () => T): T[] {
    const items = [item()];
    while (this.isOp(this.peek(), ',')) {
      this.index++;
      items.push(item());
    }
    return items;
  }

  private parseOrderKey(): { value: Value; descending: boolean } {
    const value = this.parseValue();
    let descending = true;
    if (this.isWord(this.peek(), 'asc') || this.isWord(this.peek(), 'desc')) {
      descending = this.isWord(this.peek(), 'desc');
      this.index++;
    }
    return { value, descending };
  }

  private parseProjectItem(): { name: string; value: Value } {
    if (this.peek()?.kind === 'ident' && this.isOp(this.peek(1), '=')) {
      const name = this.expectIdent();
      this.index++;
      return { name, value: this.parseValue() };
    }
    const value = this.parseValue();
    if (value.kind !== 'path') throw new KqlError('A computed project column needs a name: project name = expression.');
    return { name: value.segments.map(String).join('_'), value };
  }

  private parseOr(): Expr {
    const items = [this.parseAnd()];
    while (this.isWord(this.peek(), 'or')) {
      this.index++;
      items.push(this.parseAnd());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: 'or', items };
  }

  private parseAnd(): Expr {
    const items = [this.parseTerm()];
    while (this.isWord(this.peek(), 'and')) {
      this.index++;
      items.push(this.parseTerm());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: 'and', items };
  }

  private parseTerm(): Expr {
    const token = this.peek();
    if (this.isOp(token, '(')) {
      this.index++;
      const expr = this.parseOr();
      this.expectOp(')');
      return expr;
    }
    if (this.isWord(token, 'not') && this.isOp(this.peek(1), '(')) {
      this.index += 2;
      const expr = this.parseOr();
      this.expectOp(')');
      return { kind: 'not', expr };
    }
    if (token?.kind === 'ident' && TESTS.has(token.text.toLowerCase()) && this.isOp(this.peek(1), '(')) {
      this.index += 2;
      const arg = this.parseValue();
      this.expectOp(')');
      return { kind: 'test', name: token.text.toLowerCase(), arg };
    }
    const left = this.parseValue();
    const opToken = this.peek();
    const op = opToken?.kind === 'op' ? opToken.text : opToken?.kind === 'ident' ? opToken.text.toLowerCase() : '';
    if (IN_OPS.has(op)) {
      this.index++;
      this.expectOp('(');
      const list = this.parseList(() => this.parseLiteral());
      this.expectOp(')');
      return { kind: 'in', op, left, list };
    }
    if (!COMPARISONS.has(op)) {
      throw new KqlError(`Unsupported comparison ${this.describe(opToken)} (supported: ${[...COMPARISONS, ...IN_OPS].join(' ')}).`);
    }
    this.index++;
    return { kind: 'compare', op, left, right: this.parseValue() };
  }

  private parseLiteral(): string | number | boolean {
    const value = this.parseValue();
    if (value.kind !== 'literal') throw new KqlError('Only literals are supported inside in (…) lists.');
    return value.value;
  }

  private parseValue(): Value {
    const token = this.peek();
    if (token?.kind === 'string') {
      this.index++;
      return { kind: 'literal', value: token.text };
    }
    if (token?.kind === 'number') {
      this.index++;
      return { kind: 'literal', value: token.value };
    }
    if (token?.kind !== 'ident') throw new KqlError(`Expected a column, literal or function but found ${this.describe(token)}.`);
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      this.index++;
      return { kind: 'literal', value: lower === 'true' };
    }
    if (this.isOp(this.peek(1), '(')) {
      if (!CONVERSIONS.has(lower))
        throw new KqlError(
          `Function '${token.text}' is not supported (supported: tostring, tolower, toupper, isempty, isnotempty, isnull, isnotnull).`,
        );
      this.index += 2;
      const arg = this.parseValue();
      this.expectOp(')');
      return { kind: 'call', name: lower as 'tostring' | 'tolower' | 'toupper', arg };
    }
    return this.parsePath();
  }

  private parsePath(): Value {
    const segments: (string | number)[] = [this.expectIdent()];
    for (;;) {
      if (this.isOp(this.peek(), '.')) {
        this.index++;
        segments.push(this.expectIdent());
      } else if (this.isOp(this.peek(), '[')) {
        this.index++;
        const key = this.peek();
        if (key?.kind === 'string') segments.push(key.text);
        else if (key?.kind === 'number' && Number.isInteger(key.value)) segments.push(key.value);
        else throw new KqlError(`Expected a key or index inside [ ] but found ${this.describe(key)}.`);
        this.index++;
        this.expectOp(']');
      } else {
        return { kind: 'path', segments };
      }
    }
  }
}

export function parseKql(query: string): KqlQuery {
  if (query.trim() === '') throw new KqlError('The query is empty.');
  return new Parser(tokenize(query)).parse();
}

type Row = Record<string, unknown>;

function evaluateValue(value: Value, row: Row): unknown {
  switch (value.kind) {
    case 'literal':
      return value.value;
    case 'call': {
      const text = toKqlString(evaluateValue(value.arg, row));
      return value.name === 'tolower' ? text.toLowerCase() : value.name === 'toupper' ? text.toUpperCase() : text;
    }
    case 'path': {
      let current: unknown = row;
      for (const segment of value.segments) {
        if (typeof segment === 'number') current = Array.isArray(current) ? current[segment] : undefined;
        else current = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Row)[segment] : undefined;
      }
      return current;
    }
  }
}

function toKqlString(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function hasTerm(haystack: string, needle: string): boolean {
  const escaped = needle.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(haystack.toLowerCase());
}

function compare(op: string, leftValue: unknown, rightValue: unknown): boolean {
  const negatedWord = op.startsWith('!') && op !== '!=' && op !== '!~';
  const base = negatedWord ? op.slice(1) : op;
  const left = toKqlString(leftValue);
  const right = toKqlString(rightValue);
  const l = left.toLowerCase();
  const r = right.toLowerCase();
  let result: boolean;
  switch (base) {
    case '==':
      result = left === right;
      break;
    case '!=':
      result = left !== right;
      break;
    case '=~':
      result = l === r;
      break;
    case '!~':
      result = l !== r;
      break;
    case 'contains':
      result = l.includes(r);
      break;
    case 'has':
      result = hasTerm(left, right);
      break;
    case 'startswith':
      result = l.startsWith(r);
      break;
    case 'endswith':
      result = l.endsWith(r);
      break;
    default:
      throw new KqlError(`Unsupported comparison '${op}'.`);
  }
  return negatedWord ? !result : result;
}

function evaluate(expr: Expr, row: Row): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.items.every((item) => evaluate(item, row));
    case 'or':
      return expr.items.some((item) => evaluate(item, row));
    case 'not':
      return !evaluate(expr.expr, row);
    case 'compare':
      return compare(expr.op, evaluateValue(expr.left, row), evaluateValue(expr.right, row));
    case 'in': {
      const value = evaluateValue(expr.left, row);
      const ignoreCase = expr.op.endsWith('~');
      const text = ignoreCase ? toKqlString(value).toLowerCase() : toKqlString(value);
      const found =
        value !== undefined &&
        value !== null &&
        expr.list.some((item) => (ignoreCase ? toKqlString(item).toLowerCase() : toKqlString(item)) === text);
      return expr.op.startsWith('!') ? !found : found;
    }
    case 'test': {
      const value = evaluateValue(expr.arg, row);
      const isNull = value === undefined || value === null;
      if (expr.name === 'isnull') return isNull;
      if (expr.name === 'isnotnull') return !isNull;
      const empty = isNull || value === '';
      return expr.name === 'isempty' ? empty : !empty;
    }
  }
}

function orderValue(value: unknown): string | number {
  return typeof value === 'number' ? value : toKqlString(value);
}

/** Runs a parsed query over rows; returns the rows and the output columns (in order). */
export function runKql(query: KqlQuery, rows: Row[]): { rows: Row[]; columns?: string[] } {
  let current = rows;
  let columns: string[] | undefined;
  for (const operator of query.operators) {
    switch (operator.kind) {
      case 'where':
        current = current.filter((row) => evaluate(operator.expr, row));
        break;
      case 'project':
        columns = operator.items.map((item) => item.name);
        current = current.map((row) => Object.fromEntries(operator.items.map((item) => [item.name, evaluateValue(item.value, row) ?? null])));
        break;
      case 'limit':
        current = current.slice(0, operator.count);
        break;
      case 'order':
        current = [...current].sort((a, b) => {
          for (const key of operator.keys) {
            const x = orderValue(evaluateValue(key.value, a));
            const y = orderValue(evaluateValue(key.value, b));
            if (x < y) return key.descending ? 1 : -1;
            if (x > y) return key.descending ? -1 : 1;
          }
          return 0;
        });
        break;
    }
  }
  return { rows: current, ...(columns ? { columns } : {}) };
}
