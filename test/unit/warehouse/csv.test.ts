import { describe, expect, it } from 'vitest';
import { rowsToCsv } from '../../../functions/adapters/warehouse/csv.ts';

describe('rowsToCsv', () => {
  it('writes a header and one line per row, quoting and defusing formula-like cells', () => {
    const csv = rowsToCsv(
      ['domain', 'citations', 'rate', 'topic'],
      [
        { domain: 'a.com', citations: 3, rate: 0.5, topic: null },
        { domain: '=HYPERLINK("x")', citations: 1, rate: 1, topic: 'a,b' },
      ],
    );
    expect(csv).toBe('domain,citations,rate,topic\r\na.com,3,0.5,\r\n"\'=HYPERLINK(""x"")",1,1,"a,b"\r\n');
  });
});
