import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectPath } from '../../src/core/index.js';
import { alertNames, createAppMetrics } from '../../src/monitoring/index.js';
import { createMetrics } from '../../src/server/index.js';

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: string };
  readonly annotations: { readonly summary: string };
}

/** Every metric name the app and the server export, read from their real registries (histograms' series too). */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const registry of [createAppMetrics().registry, createMetrics(() => undefined).registry])
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  return names;
}

/** The metric names a PromQL expression reads (ours all start gourmetgram_). */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\bgourmetgram_[a-z0-9_]+/g)].map((m) => m[0]);
}

function balanced(expr: string): boolean {
  let depth = 0;
  for (const c of expr) {
    if ('({['.includes(c)) depth++;
    if (')}]'.includes(c)) depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('Prometheus alerting rules (deploy/monitoring/alerts.yml)', () => {
  it('should parse, and give every rule an expression, a for: persistence, a severity and a summary', async () => {
    const doc = parse(await readFile(projectPath('deploy', 'monitoring', 'alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: Rule[] }[];
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.ok(rules.length >= 6);
    for (const rule of rules) {
      assert.match(rule.alert, /^GourmetGram[A-Z][A-Za-z0-9]+$/);
      assert.match(rule.for, /^[1-9][0-9]*[smh]$/, `${rule.alert}: for: ${rule.for}`);
      assert.ok(['page', 'ticket', 'info'].includes(rule.labels.severity), rule.alert);
      assert.ok(rule.annotations.summary.length > 10, rule.alert);
      assert.ok(balanced(rule.expr), `${rule.alert}: unbalanced brackets in ${rule.expr}`);
    }
    assert.equal(new Set(rules.map((r) => r.alert)).size, rules.length, 'alert names are unique');
  });

  it("should read only metrics the code exports, and cover every one of the app's alert rules", async () => {
    const exported = await exportedNames();
    const text = await readFile(projectPath('deploy', 'monitoring', 'alerts.yml'), 'utf8');
    const doc = parse(text) as { groups: { rules: Rule[] }[] };
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      assert.ok(namesIn(rule.expr).length > 0, `${rule.alert} reads none of our metrics`);
      for (const name of namesIn(rule.expr))
        assert.ok(exported.has(name), `${rule.alert}: ${name} is not exported`);
    }
    // The three drift rules page on the app's own state; error rate and p99 are computed from raw series.
    for (const name of alertNames.filter((n) => !['error_rate', 'latency_p99'].includes(n)))
      assert.match(text, new RegExp(`alert="${name}"`), name);
    assert.match(text, /gourmetgram_requests_total\{code=~"5\.\."\}/);
    assert.match(text, /gourmetgram_classification_duration_seconds_bucket/);
  });
});

describe('Grafana dashboard (deploy/monitoring/grafana-dashboard.json)', () => {
  it("should name in every panel's queries only metrics the app or the server exports", async () => {
    const exported = await exportedNames();
    const dashboard = JSON.parse(
      await readFile(projectPath('deploy', 'monitoring', 'grafana-dashboard.json'), 'utf8'),
    ) as { uid: string; panels: { id: number; title: string; targets: { expr: string }[] }[] };
    assert.equal(dashboard.uid, 'gourmetgram-monitoring');
    assert.ok(dashboard.panels.length >= 10);
    assert.equal(
      new Set(dashboard.panels.map((p) => p.id)).size,
      dashboard.panels.length,
      'panel ids are unique',
    );
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      assert.ok(panel.targets.length > 0, panel.title);
      for (const { expr } of panel.targets) {
        assert.ok(balanced(expr), `${panel.title}: ${expr}`);
        assert.ok(namesIn(expr).length > 0, `${panel.title} reads none of our metrics`);
        for (const name of namesIn(expr)) {
          assert.ok(exported.has(name), `${panel.title}: ${name} is not exported`);
          used.add(name.replace(/_(bucket|sum|count)$/, ''));
        }
      }
    }
    // What the issue asks the dashboard for: traffic, latency, classes, confidence, drift, accuracy, alerts.
    for (const name of [
      'gourmetgram_uploads_total',
      'gourmetgram_classification_duration_seconds',
      'gourmetgram_predictions_total',
      'gourmetgram_prediction_confidence',
      'gourmetgram_drift_p_value',
      'gourmetgram_drift_effect',
      'gourmetgram_accuracy_estimate',
      'gourmetgram_alert_state',
    ])
      assert.ok(used.has(name), `no panel shows ${name}`);
  });
});
