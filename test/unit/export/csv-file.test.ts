import { parse } from 'csv-parse/sync';
import { csvFile, UTF8_BOM } from '../../../src/export/csv-file';

/** The exports' CSV: what Excel needs to open it with Chinese names intact, and RFC 4180 otherwise. */
describe('csvFile', () => {
  const file = csvFile(
    ['code', 'name', 'population', 'minutes', 'covered'],
    [
      ['520121101001', '双流村', 1234, 21.456789, false],
      ['520121101002', '=HYPERLINK("http://evil.example","点我")', -5, null, true],
      ['520121101003', 'a "quoted", multi\nline 名字', 0, undefined, null],
    ],
  );

  it('starts with the UTF-8 byte order mark, then UTF-8', () => {
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(UTF8_BOM).toEqual(Buffer.from('\ufeff', 'utf8'));
    expect(file.subarray(3).toString('utf8')).toContain('双流村');
    expect(file.subarray(3, 4).toString('latin1')).toBe('"'); // the header's first cell, no second BOM
  });

  it('ends every record with CRLF; a line break inside a quoted cell stays as it is', () => {
    const text = file.subarray(3).toString('utf8');
    expect(text.split('\r\n')).toEqual([
      '"code","name","population","minutes","covered"',
      '"520121101001","双流村",1234,21.456789,false',
      `"520121101002","'=HYPERLINK(""http://evil.example"",""点我"")",-5,,true`,
      '"520121101003","a ""quoted"", multi\nline 名字",0,,',
      '',
    ]);
  });

  it('quotes text (RFC 4180: quotes doubled), neutralises formula-like text, keeps numbers as numbers', () => {
    const records = parse(file.subarray(3), { record_delimiter: '\r\n' }) as string[][];
    expect(records).toEqual([
      ['code', 'name', 'population', 'minutes', 'covered'],
      ['520121101001', '双流村', '1234', '21.456789', 'false'],
      ['520121101002', `'=HYPERLINK("http://evil.example","点我")`, '-5', '', 'true'],
      ['520121101003', 'a "quoted", multi\nline 名字', '0', '', ''],
    ]);
  });

  it.each(['=1+2', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '＝1', '＋1', '－1', '＠A1'])('a cell starting like a formula (%j) becomes text', (value) => {
    const text = csvFile(['x'], [[value]]).subarray(3).toString('utf8');
    const [, cell] = parse(text, { record_delimiter: '\r\n' }) as string[][];
    expect(cell![0]).toBe(`'${value}`);
  });

  it('a header only (no rows) is still a file Excel opens: BOM, header, CRLF', () => {
    expect(csvFile(['a', 'b'], []).toString('utf8')).toBe('\ufeff"a","b"\r\n');
  });
});
