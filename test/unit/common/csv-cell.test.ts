import { parse } from 'csv-parse/sync';
import { csvCell, toCsv } from '../../../src/common/csv-cell';

/** Formula-like text is neutralised in every CSV the server writes (OWASP CSV injection; Hardening, item 5). */
describe('toCsv / csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd|\' /C calc\'!A0', `"'+1+cmd|' /C calc'!A0"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+2', `"'\t=1+2"`],
    ['\r=1+2', `"'\r=1+2"`],
    ['＝1+2', `"'＝1+2"`],
    ['-5', `"'-5"`], // text that looks like a number is still text
  ])('neutralises %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['开阳县医疗保障服务大厅', '"开阳县医疗保障服务大厅"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ["it's", `"it's"`],
    ['', '""'],
  ])('quotes plain text %j as %s, unchanged', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as they are (negative ones too), booleans and dates readably (an invalid date, null and undefined as empty cells)', () => {
    expect(toCsv([[-106.9612, 27.0613, 0, 12n, true, false, new Date('2026-11-25T22:50:55.675Z'), new Date(Number.NaN), null, undefined]])).toBe(
      '-106.9612,27.0613,0,12,true,false,2026-11-25T22:50:55.675Z,,,\n',
    );
  });

  it('reads back with csv-parse (the import reader) as the neutralised text, header first, one record per row', () => {
    const rows = [
      ['VP-1', '=1+2', -1.5],
      ['VP-2', 'a "quoted", multi\nline name', 3],
    ];
    const csv = toCsv(rows, { header: ['id', 'name', 'value'] });
    expect(parse(csv)).toEqual([
      ['id', 'name', 'value'],
      ['VP-1', "'=1+2", '-1.5'],
      ['VP-2', 'a "quoted", multi\nline name', '3'],
    ]);
  });
});
