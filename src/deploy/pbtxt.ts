import { PbtxtSyntaxError } from './errors.js';

/**
 * Protocol-buffer text format, the language of Triton's config.pbtxt: enough of it to write a model config and to
 * read one back (fields, nested messages, lists, strings, numbers, enum identifiers, `#` comments).
 */

/** An enum value (TYPE_FP32, KIND_CPU), written bare rather than quoted. */
export class PbEnum {
  constructor(readonly name: string) {}
}

export type PbScalar = number | boolean | string | PbEnum;
/** What {@link formatPbtxt} writes: a field is a scalar, a message, or a list of either. */
export interface PbObject {
  readonly [field: string]: PbScalar | PbObject | readonly (PbScalar | PbObject)[] | undefined;
}
/** What {@link parsePbtxt} reads: every field as the list of its occurrences (lists flattened). */
export interface PbMessage {
  readonly [field: string]: readonly (PbScalar | PbMessage)[];
}

/** Writes a message in text format, two-space indented; undefined fields are left out. */
export function formatPbtxt(message: PbObject, indent = ''): string {
  const lines: string[] = [];
  for (const [field, value] of Object.entries(message)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      const items = value as readonly (PbScalar | PbObject)[];
      if (items.every(isScalar))
        lines.push(`${indent}${field}: [ ${items.map((v) => formatScalar(v as PbScalar)).join(', ')} ]`);
      else {
        const inner = `${indent}  `;
        const blocks = items.map(
          (item) => `${inner}{\n${formatPbtxt(item as PbObject, `${inner}  `)}${inner}}`,
        );
        lines.push(`${indent}${field} [\n${blocks.join(',\n')}\n${indent}]`);
      }
    } else if (isScalar(value)) lines.push(`${indent}${field}: ${formatScalar(value)}`);
    else lines.push(`${indent}${field} {\n${formatPbtxt(value as PbObject, `${indent}  `)}${indent}}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** A message in JSON form (enum values as strings) made writable: the values of `enumFields` become {@link PbEnum}s. */
export function withEnums(message: JsonMessage, enumFields: ReadonlySet<string>): PbObject {
  const convert = (
    field: string,
    value: JsonValue,
  ): PbScalar | PbObject | readonly (PbScalar | PbObject)[] | undefined => {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((v) => convert(field, v) as PbScalar | PbObject);
    if (typeof value === 'object') return withEnums(value as JsonMessage, enumFields);
    return typeof value === 'string' && enumFields.has(field) ? new PbEnum(value) : value;
  };
  return Object.fromEntries(Object.entries(message).map(([field, value]) => [field, convert(field, value)]));
}

type JsonValue = string | number | boolean | undefined | JsonMessage | readonly JsonValue[];
interface JsonMessage {
  readonly [field: string]: JsonValue;
}

function isScalar(value: unknown): value is PbScalar {
  return typeof value !== 'object' || value instanceof PbEnum;
}

function formatScalar(value: PbScalar): string {
  if (value instanceof PbEnum) return value.name;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(`bug: ${value} cannot be written to pbtxt`);
  return String(value);
}

type Token = {
  kind: 'ident' | 'number' | 'string' | 'punct';
  text: string;
  value?: string | number;
  line: number;
  column: number;
};

/** Parses text format; throws {@link PbtxtSyntaxError} with the line and column of the first problem. */
export function parsePbtxt(text: string): PbMessage {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const fail = (message: string, token = peek()): never => {
    const last = tokens[tokens.length - 1];
    throw new PbtxtSyntaxError(message, token?.line ?? last?.line ?? 1, token?.column ?? last?.column ?? 1);
  };
  const take = (text?: string): Token => {
    const token = peek();
    if (!token) return fail(`expected ${text ?? 'more'} but the text ended`);
    if (text !== undefined && token.text !== text) fail(`expected '${text}', found '${token.text}'`);
    at++;
    return token;
  };
  const scalar = (): PbScalar => {
    const token = take();
    if (token.kind === 'string' || token.kind === 'number') return token.value as string | number;
    if (token.kind === 'ident')
      return token.text === 'true' ? true : token.text === 'false' ? false : new PbEnum(token.text);
    return fail(`expected a value, found '${token.text}'`, token);
  };
  const message = (closing: string | undefined): PbMessage => {
    const fields: Record<string, (PbScalar | PbMessage)[]> = {};
    for (;;) {
      const token = peek();
      if (!token) {
        if (closing) fail(`expected '${closing}' but the text ended`);
        return fields;
      }
      if (closing && token.text === closing) {
        at++;
        return fields;
      }
      if (token.kind !== 'ident') fail(`expected a field name, found '${token.text}'`);
      at++;
      fields[token.text] ??= [];
      const values = fields[token.text]!;
      const colon = peek()?.text === ':';
      if (colon) at++;
      const next = peek();
      if (next?.text === '{' || next?.text === '<') {
        at++;
        values.push(message(next.text === '{' ? '}' : '>'));
      } else if (next?.text === '[') {
        at++;
        while (peek()?.text !== ']') {
          const item = peek();
          if (item?.text === '{') {
            at++;
            values.push(message('}'));
          } else values.push(scalar());
          if (peek()?.text === ',') at++;
          else if (peek()?.text !== ']') fail(`expected ',' or ']' in the list of '${token.text}'`);
        }
        at++;
      } else {
        if (!colon) fail(`expected ':' after '${token.text}'`);
        values.push(scalar());
      }
      if (peek()?.text === ',' || peek()?.text === ';') at++;
    }
  };
  return message(undefined);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /(\s+)|(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)(?![\w.]))|([A-Za-z_][\w.]*)|([{}[\]<>:,;])/y;
  let line = 1;
  let lineStart = 0;
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    const column = index - lineStart + 1;
    if (!match) throw new PbtxtSyntaxError(`unexpected character '${text[index]}'`, line, column);
    const [whole, space, comment, quoted, number, ident, punct] = match;
    if (quoted)
      tokens.push({ kind: 'string', text: quoted, value: unquote(quoted, line, column), line, column });
    else if (number)
      tokens.push({ kind: 'number', text: number, value: Number(number.replace(/^\+/, '')), line, column });
    else if (ident) tokens.push({ kind: 'ident', text: ident, line, column });
    else if (punct) tokens.push({ kind: 'punct', text: punct, line, column });
    else if (space === undefined && comment === undefined)
      throw new Error('bug: pbtxt token matched nothing');
    for (let i = 0; i < whole.length; i++)
      if (whole[i] === '\n') {
        line++;
        lineStart = index + i + 1;
      }
    index += whole.length;
  }
  return tokens;
}

function unquote(quoted: string, line: number, column: number): string {
  const body = quoted.slice(1, -1);
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
  return body.replace(/\\(.)/g, (_, c: string) => {
    const out = escapes[c];
    if (out === undefined) throw new PbtxtSyntaxError(`unsupported escape '\\${c}'`, line, column);
    return out;
  });
}
