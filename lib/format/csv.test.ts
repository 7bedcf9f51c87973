import { describe, expect, it } from 'vitest';
import { csvRecord } from './csv';

describe('csvRecord', () => {
  it('quotes commas, quotes and line breaks, and leaves plain cells alone', () => {
    expect(csvRecord(['db01_Disk1', 'a,b', 'say "hi"', 'two\nlines', 42, null])).toBe('db01_Disk1,"a,b","say ""hi""","two\nlines",42,\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvRecord(['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)'])).toBe(`"'=HYPERLINK(""http://evil"")",'+1,'-2,'@SUM(A1)\r\n`);
  });
});
