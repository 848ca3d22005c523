import { bullets, count, milliseconds, missingBox, paragraph, table } from './format.js';
import type { ResultsSource } from './results-source.js';
import type { Slide } from './slide.js';

/** 11. Reliability: overload and faults measured (shed rate, recovery time, nothing lost). */
export function reliabilitySlide(source: ResultsSource): Slide {
  const file = 'results/soak.json';
  const rows = source.raw(file, 'rows');
  const body = Array.isArray(rows)
    ? table(
        [
          'Scenario',
          'Requests',
          'Answered 200',
          'Shed (429/503)',
          'Recovered in',
          'Peak memory',
          'Litter',
          'Checks',
        ],
        rows.map(
          (
            row: { scenario: string; statuses?: Record<string, number>; checks?: { ok: boolean }[] },
            i: number,
          ) => {
            const status = (code: string) =>
              source.figure(file, `rows.${i}.statuses.${code}`, `${row.scenario} answers ${code}`) ?? 0;
            const rss = source.figure(file, `rows.${i}.peak_rss_mb`, `${row.scenario} peak RSS MB`);
            const limit = source.figure(file, `rows.${i}.rss_limit_mb`, `${row.scenario} memory limit MB`);
            const checks = row.checks ?? [];
            return [
              row.scenario.replaceAll('-', ' '),
              count(source.figure(file, `rows.${i}.requests`, `${row.scenario} requests`)),
              count(status('200')),
              count(status('429') + status('503')),
              milliseconds(source.figure(file, `rows.${i}.recovery_ms`, `${row.scenario} recovery ms`)),
              rss === undefined ? '–' : `${count(rss)} of ${count(limit)} MB`,
              count(source.figure(file, `rows.${i}.litter`, `${row.scenario} litter`)),
              `${checks.filter((c) => c.ok).length} of ${checks.length} pass`,
            ];
          },
        ),
      )
    : missingBox(source, file, 'npm run soak', 'soak test');
  return {
    title: 'Reliability under overload and faults',
    headline:
      'Overload is shed fast with a clear answer, faults recover by themselves, and nothing is left half-written.',
    body: `${body}<div style="height:16px"></div>${bullets([
      'Each scenario runs against real server processes on this machine: bursts of 49-megapixel photos, floods of large bodies, clients that trickle one byte at a time, a killed process and a killed worker.',
      'Before this work a burst of large photos locked the server into refusing everything until restarted, and a database restart killed the app.',
    ])}`,
    notes: [
      'Shed requests get an immediate 429 or 503 with Retry-After, so clients back off instead of piling up; recovery is the time until a small photo is answered again after the fault ends.',
      'Litter is files left behind by a crash (orphan photos, half-written uploads) found after restart: zero means nothing is lost or orphaned.',
    ],
  };
}

/** 12. Monitoring: what is watched, detection power and false alarms, alerts. */
export function monitoringSlide(source: ResultsSource): Slide {
  const file = 'results/monitoring/detectors.json';
  return {
    title: 'Monitoring in production',
    headline:
      'Every prediction is logged; drift in the photos and in the answers is tested on a schedule and raises an alert only when it persists.',
    body: source.has(file)
      ? paragraph('monitoring results')
      : `${missingBox(source, file, 'gourmetgram monitor validate', 'detector validation')}${bullets(['Watched: traffic, latency, class mix, confidence, data drift on the photos, label-free accuracy, user corrections.'])}`,
    notes: [
      'Detectors are validated on real shifts made from our photos, and their false-alarm rate on unshifted photos is measured.',
    ],
  };
}

/** 13. The edge option: classification in the browser. */
export function edgeSlide(source: ResultsSource): Slide {
  const file = 'results/edge/bench.json';
  return {
    title: 'Classification in the browser',
    headline:
      'The cheapest classification is the one our servers never run: the browser guesses while the photo uploads, the server stays the source of truth.',
    body: source.has(file)
      ? paragraph('edge results')
      : missingBox(source, file, 'npm run bench:edge', 'browser benchmark'),
    notes: [
      'The model and the WebAssembly runtime are served from our own origin and cached by the browser.',
    ],
  };
}
