import { describe, expect, it } from 'vitest';
import { decodeParquet, encodeParquet, type TableSpec } from '../parquet';
import { ParamsColumn } from './paramsColumn';
import { createTemplateMiner } from './templateMiner';

const spec: TableSpec = { path: 'test/params', columns: [{ name: 'params', type: 'utf8' }] };

/** Parameter lists with every kind of character JSON escapes or UTF-8 encodes in more than one byte. */
const ROWS: string[][] = [
  [],
  ['225ms', '81.238.228.180'],
  ['say "hi"', 'C:\\temp', 'tab\there', 'line\nbreak', '\u0001\u001f\u007f'],
  ['é ünïcode ✓', '😀', 'lone \ud800 high', 'lone \udc00 low'],
  [''],
  ['a', '', 'b'],
];

describe('params column', () => {
  it('writes each row as the UTF-8 bytes of JSON.stringify, and the same Parquet bytes as those strings', () => {
    const column = new ParamsColumn();
    const rows = Array.from({ length: 5000 }, (_, i) => ROWS[(i * 7) % ROWS.length]);
    for (const params of rows) {
      column.startRow();
      // Each parameter as a span of a longer text, as the miner gives them.
      for (const p of params) column.span(`<${p}>`, 1, p.length + 1);
      column.endRow();
    }
    const json = rows.map((params) => JSON.stringify(params));
    const vector = column.vector();
    expect(vector.toArray()).toEqual(json);
    const built = encodeParquet(spec, { rows: rows.length, columns: { params: vector } });
    expect(Buffer.from(built).equals(Buffer.from(encodeParquet(spec, { rows: rows.length, columns: { params: json } })))).toBe(true);
    expect(decodeParquet(spec, built).columns.params).toEqual(json);
  });

  it('lends its own buffers when asked: the same vector as a copy, written over by the next part', () => {
    const lent = new ParamsColumn(true);
    const copied = new ParamsColumn();
    const fill = (column: ParamsColumn, from: number) => {
      for (let i = from; i < from + 3000; i++) {
        const params = ROWS[i % ROWS.length];
        column.startRow();
        for (const p of params) column.span(`<${p}>`, 1, p.length + 1);
        column.endRow();
      }
      return column.vector();
    };
    const first = fill(lent, 0);
    const firstValues = first.toArray();
    expect(firstValues).toEqual(fill(copied, 0).toArray());
    const second = fill(lent, 1);
    expect(second.toArray()).toEqual(fill(copied, 1).toArray());
    // The first vector's bytes now hold the second part's: it was valid only until the next row.
    expect(first.toArray()).not.toEqual(firstValues);
  });

  it('starts over after each vector', () => {
    const column = new ParamsColumn();
    column.startRow();
    column.span('x', 0, 1);
    column.endRow();
    expect(column.vector().toArray()).toEqual(['["x"]']);
    column.startRow();
    column.endRow();
    expect(column.vector().toArray()).toEqual(['[]']);
  });

  it('gets from the miner the parameters `add` returns, through shapes, the message cache and fresh tokens', () => {
    const messages = Array.from(
      { length: 3000 },
      (_, i) =>
        [
          `GET /api/v1/orders/${i} 200 in ${i % 97}ms from 10.0.${i % 255}.${i % 7}`,
          `user "bob${i % 3}" said \\ ok with tab\tin it`,
          'Stock level for SKU-55628 at warehouse ams-2 is 304 units (9.2ms)',
          `Push notification ${(i * 7919).toString(16)}-fca5 delivered to ünïcode device of user u-${i}`,
        ][i % 4],
    );
    const byAdd = createTemplateMiner();
    const byAddTo = createTemplateMiner();
    const column = new ParamsColumn();
    const expected: string[] = [];
    for (const message of messages) {
      const added = byAdd.add(message);
      column.startRow();
      const { templateId, template, changeType } = byAddTo.addTo(message, column);
      column.endRow();
      expect({ templateId, template, changeType }).toEqual({ templateId: added.templateId, template: added.template, changeType: added.changeType });
      expected.push(JSON.stringify(added.params));
    }
    expect(column.vector().toArray()).toEqual(expected);
    expect(byAddTo.toState()).toEqual(byAdd.toState());
  });
});
