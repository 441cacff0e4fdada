import { withoutSuggestions } from '../../../src/graphql/format-error';

describe('withoutSuggestions', () => {
  it.each([
    ['Value "ADMN" does not exist in "Role" enum. Did you mean the enum value "ADMIN"?', 'Value "ADMN" does not exist in "Role" enum.'],
    ['Unknown argument "firs" on field "Query.servicePoints". Did you mean "first"?', 'Unknown argument "firs" on field "Query.servicePoints".'],
    ['Cannot query field "nme" on type "Area". Did you mean "name", "code", or "level"?', 'Cannot query field "nme" on type "Area".'],
    ['Unknown type "Are". [Suggestion hidden]?', 'Unknown type "Are".'],
    ['Variable "$f" got invalid value { a: 1 }; Field "a" is not defined by type "X". Did you mean "b"? More text.', 'Variable "$f" got invalid value { a: 1 }; Field "a" is not defined by type "X". More text.'],
    ['Unknown type "Are". Did you mean "Area"', 'Unknown type "Are".'],
    ['Area "5201" was not found', 'Area "5201" was not found'],
  ])('%s', (message, expected) => {
    expect(withoutSuggestions(message)).toBe(expected);
  });
});
