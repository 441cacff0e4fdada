import { stringify } from 'csv-stringify/sync';

/** What a CSV cell may hold; numbers stay numbers (a negative one is not a formula), everything else is text. */
export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

/**
 * Every CSV this server writes goes through here (exports must too): csv-stringify (the csv project, whose csv-parse
 * reads our imports) quotes, and neutralises formula-like text as OWASP's CSV-injection guidance says: a text cell
 * starting with =, +, -, @, a tab or a carriage return (or their full-width forms) gets a leading single quote, so a
 * spreadsheet shows it as text instead of running it. Every text cell is quoted, quotes inside doubled; numbers are
 * written as they are, booleans as true/false, dates in ISO 8601. null, undefined and invalid dates are empty cells.
 */
export function toCsv(rows: readonly (readonly CsvValue[])[], options: { header?: readonly string[] } = {}): string {
  const records = options.header ? [options.header, ...rows] : rows;
  return stringify(records as CsvValue[][], {
    escape_formulas: true,
    quoted_string: true,
    cast: {
      boolean: (value) => String(value),
      date: (value) => (Number.isNaN(value.getTime()) ? '' : value.toISOString()),
    },
  });
}

/** One cell on its own, neutralised and quoted as toCsv writes it (for a line built by hand). */
export function csvCell(value: CsvValue): string {
  return toCsv([[value]]).replace(/\n$/, '');
}
