import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type MonitorThresholds } from '../tasks/monitor/decision';
import { DEFAULT_ALERT_RATE } from '../tasks/options';

/**
 * Names and defaults that live in TypeScript, shell and Python at once must agree (as
 * test/detectorNames.test.ts does for detector names): the step list, the monitor thresholds and
 * the default alert rate.
 */
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const config = read('dags/sentinel_infra/config.py');
const cli = read('tasks/cli.ts');

describe('steps', () => {
  const dagSteps = [...(/^STEPS = \(([^)]*)\)/m.exec(config)?.[1] ?? '').matchAll(/"([a-z]+)"/g)].map((m) => m[1]);
  const imageSteps = (/ALL_STEPS=1 STEPS=\(([^)]*)\)/.exec(read('images/build.sh'))?.[1] ?? '').split(/\s+/).filter(Boolean);
  const cliSteps = [...cli.matchAll(/^\s+(\w+): \(\) => import\('\.\/(\w+)\/command'\)/gm)].map((m) => {
    expect(m[2]).toBe(m[1]);
    return m[1];
  });
  const cliCommands = [...cli.matchAll(/\.command\('(\w+)'\)/g)].map((m) => m[1]);

  it('images/build.sh builds an image for exactly the steps the DAG config names, in the same order', () => {
    expect(dagSteps.length).toBeGreaterThan(5);
    expect(imageSteps).toEqual(dagSteps);
  });

  it('every image step is a CLI command with a tasks/<step>/command.ts; every CLI step is declared once', () => {
    expect(cliSteps.slice().sort()).toEqual(cliCommands.slice().sort());
    for (const step of dagSteps) {
      expect(cliSteps).toContain(step);
      expect(existsSync(new URL(`../tasks/${step}/command.ts`, import.meta.url))).toBe(true);
    }
  });
});

describe('defaults', () => {
  it("the monitoring DAG params are monitor's threshold defaults", () => {
    const block = /^MONITOR_THRESHOLDS = \{([^}]*)\}/m.exec(config)?.[1] ?? '';
    const dag = Object.fromEntries([...block.matchAll(/"(\w+)": ([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
    const byParam: Record<string, keyof MonitorThresholds> = {
      psi_threshold: 'psi',
      unseen_template_share: 'unseenTemplateShare',
      anomaly_rate_factor: 'anomalyRateFactor',
      max_model_age_days: 'maxModelAgeDays',
    };
    expect(Object.keys(dag).sort()).toEqual(Object.keys(byParam).sort());
    for (const [param, key] of Object.entries(byParam)) expect(dag[param]).toBe(DEFAULT_THRESHOLDS[key]);
    expect(read('dags/log_sentinel_monitoring.py')).toContain('MONITOR_THRESHOLDS["psi_threshold"]');
  });

  it("the retrain DAG and the CLI default to train's alert rate", () => {
    expect(/^DEFAULT_ALERT_RATE = "([^"]*)"/m.exec(config)?.[1]).toBe(DEFAULT_ALERT_RATE);
    expect(read('dags/log_sentinel_retrain.py')).toMatch(/"alert_rate": Param\(\s*DEFAULT_ALERT_RATE,/);
    // The --alert-rate option's default argument (the next option not yet begun).
    expect(cli).toMatch(/'--alert-rate <share\|auto>',(?:(?!\.option\()[\s\S])*?DEFAULT_ALERT_RATE,?\s*\)/);
  });
});
