import { BadInputError } from './errors';

/** Resolves `first` against the configured default and maximum page sizes. */
export function pageSize(first: number | undefined, pagination: { defaultPageSize: number; maxPageSize: number }): number {
  if (first === undefined || first === null) return pagination.defaultPageSize;
  if (first > pagination.maxPageSize) {
    throw new BadInputError(`\`first\` is ${first}; at most ${pagination.maxPageSize} items can be fetched per page. Page with \`after\`.`, {
      argument: 'first',
      max: pagination.maxPageSize,
    });
  }
  return first;
}
