import { parse } from 'graphql';
import { textDepth, valueDepth } from '../../../src/common/nesting';

describe('nesting depth, measured without recursion', () => {
  it('valueDepth counts arrays and objects: a scalar is 0', () => {
    expect([1, 'x', null, undefined, true].map(valueDepth)).toEqual([0, 0, 0, 0, 0]);
    expect(valueDepth([])).toBe(1);
    expect(valueDepth({ a: [1, { b: 2 }], c: {} })).toBe(3);
    expect(valueDepth([[[[]]], [1]])).toBe(4);
  });

  it('valueDepth follows a million levels without running out of stack', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}1${']'.repeat(1_000_000)}`) as unknown;
    expect(valueDepth(deep)).toBe(1_000_000);
  });

  it('textDepth agrees with valueDepth on JSON and skips brackets inside strings', () => {
    for (const text of ['1', '[]', '{"a":[1,{"b":"[[{{"}]}', '[[["\\"]]]\\\\"]]]', '{"a":"}}}","b":[[[]]]}']) {
      expect({ text, depth: textDepth(text, 'json').depth }).toEqual({ text, depth: valueDepth(JSON.parse(text)) });
    }
    expect(textDepth('{"a": (((1)))}', 'json').depth).toBe(1); // parentheses are not JSON brackets
  });

  it('textDepth of a GraphQL document counts { [ ( and skips strings, block strings and comments', () => {
    expect(textDepth('{ a }', 'graphql')).toEqual({ depth: 1, at: 0 });
    expect(textDepth('query($v: [ID!]) { area(code: "[[[") { parent { name } } }', 'graphql').depth).toBe(3);
    expect(textDepth('{ a(s: """ { [ ( \\""" ((( """) }', 'graphql').depth).toBe(2);
    expect(textDepth('# {{{{\n{ a(s: "\\"{{") # (((\n }', 'graphql').depth).toBe(2);
    expect(textDepth('{ a(b: [[{c: [1]}]]) }', 'graphql')).toEqual({ depth: 6, at: 13 });
  });

  it('textDepth does not go below 0 on stray closers, and reports unterminated strings as they are', () => {
    expect(textDepth(']]]}}} [1]', 'json').depth).toBe(1);
    expect(textDepth('{ a(s: "((( ', 'graphql').depth).toBe(2);
  });

  it('textDepth of a million-level document, and one graphql-js can parse agrees on its depth', () => {
    expect(textDepth(`{ a(b: ${'['.repeat(1_000_000)}1${']'.repeat(1_000_000)}) }`, 'graphql').depth).toBe(1_000_002);
    const doc = '{ a(b: { c: [1, 2] }) { d { e } } }';
    expect(() => parse(doc)).not.toThrow();
    expect(textDepth(doc, 'graphql').depth).toBe(4);
  });
});
