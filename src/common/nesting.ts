import { LimitExceededError } from './errors';

/**
 * How deeply input nests, measured without recursion. Recursive code downstream (JSON.stringify for the
 * response cache key, graphql-js's parser, jsonc-parser's tree) runs out of stack on input nested a few
 * thousand levels deep, and its RangeError would surface as a 500; input over MAX_NESTING_DEPTH is refused
 * before it gets there.
 */

/** Depth of the arrays and objects in a parsed JSON value: a scalar is 0, `[]` and `{}` are 1, `{"a":[1]}` is 2. */
export function valueDepth(value: unknown): number {
  let max = 0;
  const stack: { value: object; depth: number }[] = [];
  if (value !== null && typeof value === 'object') stack.push({ value, depth: 1 });
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child as object, depth: depth + 1 });
    }
  }
  return max;
}

export interface TextDepth {
  /** The deepest nesting of brackets outside strings (and, in GraphQL, comments). */
  readonly depth: number;
  /** Offset of the opening bracket that first reached that depth (-1 when there is none). */
  readonly at: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const HASH = 35;
const LF = 10;
const CR = 13;

/**
 * The nesting of `{ [` (JSON) or `{ [ (` (GraphQL documents) in a text, in one pass over its characters: brackets
 * inside strings, GraphQL block strings and comments do not count. Text that is not valid JSON or GraphQL still gets
 * a number; its parser reports the syntax error.
 */
export function textDepth(text: string, syntax: 'json' | 'graphql'): TextDepth {
  const graphql = syntax === 'graphql';
  const n = text.length;
  let depth = 0;
  let max = 0;
  let at = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (graphql && text.startsWith('"""', i)) {
        // Block string: up to the next """ that is not escaped as \""".
        i += 3;
        while (i < n && !text.startsWith('"""', i)) i += text.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
        continue;
      }
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE || (graphql && (d === LF || d === CR))) break;
      }
      continue;
    }
    if (graphql && c === HASH) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== LF && text.charCodeAt(i + 1) !== CR) i++;
      continue;
    }
    if (c === 123 || c === 91 || (graphql && c === 40)) {
      depth++;
      if (depth > max) {
        max = depth;
        at = i;
      }
    } else if ((c === 125 || c === 93 || (graphql && c === 41)) && depth > 0) {
      depth--;
    }
  }
  return { depth: max, at };
}

/** LIMIT_EXCEEDED for input nested deeper than MAX_NESTING_DEPTH: what nests, how deep, the limit, and what to do. */
export function nestingExceeded(what: string, limit: number, actual: number, advice: string): LimitExceededError {
  return new LimitExceededError(
    `${what} nests ${actual.toLocaleString('en')} levels deep; the limit is ${limit.toLocaleString('en')} (MAX_NESTING_DEPTH). ${advice}`,
    { setting: 'MAX_NESTING_DEPTH', limit, actual },
  );
}
