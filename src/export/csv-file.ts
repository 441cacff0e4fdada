import { toCsv, type CsvValue } from '../common/csv-cell';

/** The UTF-8 byte order mark: Excel reads a CSV as UTF-8 only when the file starts with it (else as the ANSI code page, GBK on Chinese Windows). */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A CSV file for spreadsheets: UTF-8 with a BOM (Excel keeps Chinese names intact), a header row, CRLF after every
 * record (RFC 4180). Each record goes through toCsv (common/csv-cell.ts: RFC 4180 quoting, formula-like text
 * neutralised); a line break inside a quoted cell stays as it is, only the records' ends become CRLF.
 */
export function csvFile(header: readonly string[], rows: readonly (readonly CsvValue[])[]): Buffer {
  const records = [header, ...rows];
  // Usually no cell holds a line feed: then every LF toCsv writes ends a record (one call, ~4x faster).
  const lineFeedInCell = records.some((record) => record.some((cell) => typeof cell === 'string' && cell.includes('\n')));
  const text = lineFeedInCell ? records.map((record) => `${toCsv([record]).replace(/\n$/, '')}\r\n`).join('') : toCsv(records).replace(/\n/g, '\r\n');
  return Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
}
