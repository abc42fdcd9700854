import { describe, expect, it } from 'vitest';
import { fitRobustBaseline, expectedBand, scoreRobustBaseline } from '../../../shared/detectors/robustBaseline';
import { loadExplorerAssets } from './assets';
import { renderExplorer, scriptSafeJson } from './render';
import { shapeExplorer } from './shape';

const empty = shapeExplorer({
  from: '2026-01-05',
  to: '2026-01-05',
  windowMs: 60_000,
  windows: [],
  anomalies: [],
  alerts: [],
  incidentGapMs: 300_000,
  metrics: [],
  metricThresholds: {},
});

describe('explorer page', () => {
  it('embeds data that cannot end its <script> element, whatever a log line says', () => {
    const json = scriptSafeJson({ message: '</script><script>alert(1)</script><!-- \u2028' });
    expect(json).not.toMatch(/<\/script|<!--|\u2028/i);
    expect(JSON.parse(json)).toEqual({ message: '</script><script>alert(1)</script><!-- \u2028' });
  });

  it('fills the template slots literally (a `$&` in the library stays `$&`) and refuses a template without them', () => {
    const template = '<title>__TITLE__</title><script>/*__CHART_LIBRARY__*/</script><script>const DATA = /*__EXPLORER_DATA__*/null;</script>';
    const html = renderExplorer({ ...empty, from: '2026-01-05', to: '2026-01-07' }, { template, chartLibrary: 'var x = "$&"; "</script>"' });
    expect(html).toContain('<title>log-sentinel 2026-01-05 .. 2026-01-07</title>');
    expect(html).toContain('var x = "$&"; "<\\/script>"');
    expect(html).toContain('const DATA = {"from":"2026-01-05"');
    expect(() => renderExplorer(empty, { template: '<html></html>', chartLibrary: '' })).toThrow(/no .* slot/);
  });

  it('is one offline page: the real template and ECharts inline, nothing fetched from anywhere', async () => {
    const html = renderExplorer(empty, await loadExplorerAssets());
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b|@import/i);
    expect(html).toContain('echarts');
    expect(html).not.toContain('/*__EXPLORER_DATA__*/');
  });
});

describe('expected band', () => {
  it('is where robust_baseline fires: a value at the band edge has |z| = k, just inside does not pass k', () => {
    const rows = 600;
    const data = new Float64Array(rows);
    const windowStart = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      data[i] = 50 + ((i * 7) % 11) - 5;
      windowStart[i] = Date.UTC(2026, 0, 5) + i * 60_000;
    }
    const x = { columns: ['latency_p95'], rows, data, service: new Array(rows).fill('api'), windowStart };
    const model = fitRobustBaseline(x, { kinds: { latency_p95: 'log' } });
    const t = windowStart[0];
    const k = 4;
    const band = expectedBand(model, 'api', t, 'latency_p95', k, Number.NaN)!;
    expect(band.low).toBeLessThan(band.median);
    expect(band.high).toBeGreaterThan(band.median);
    const at = (v: number) =>
      scoreRobustBaseline(model, { ...x, rows: 1, data: Float64Array.from([v]), service: ['api'], windowStart: Float64Array.from([t]) })[0];
    expect(at(band.high)).toBeCloseTo(k, 6);
    expect(at(band.low!)).toBeCloseTo(k, 6);
    expect(at(band.high * 0.99)).toBeLessThan(k);
    expect(expectedBand(model, 'api', t, 'no_such_feature', k, 1)).toBeUndefined();
  });
});
