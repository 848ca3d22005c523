import { bullets, count, kpi, milliseconds, missingBox, percent, table } from './format.js';
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
              rss === undefined
                ? '–'
                : limit === undefined
                  ? `${count(rss)} MB`
                  : `${count(rss)} of ${count(limit)} MB`,
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
  const file = 'results/monitoring/validation.json';
  const results = source.raw(file, 'results');
  const window = source.figure(file, 'settings.window', 'monitoring window (predictions)');
  const rows = Array.isArray(results)
    ? results.flatMap((r: { condition: string; window: number }, i: number) =>
        r.window !== window
          ? []
          : [
              [
                r.condition === 'clean' ? 'no shift (false alarms)' : r.condition.replaceAll('_', ' + '),
                percent(source.figure(file, `results.${i}.any`, `${r.condition} windows flagged`), 1),
                percent(
                  source.figure(file, `results.${i}.persistent`, `${r.condition} flagged twice in a row`),
                  1,
                ),
              ],
            ],
      )
    : [];
  return {
    title: 'Monitoring in production',
    headline:
      'Every prediction is logged; drift in the photos and in the answers is tested on windows of predictions and alerts only when it persists.',
    body: rows.length
      ? `<div class="cols"><div class="box">${table([`Photos in a window of ${count(window)}`, 'Windows flagged', 'Two in a row'], rows)}</div><div class="box">${bullets(
          [
            'Watched: traffic, latency, class mix, confidence, drift of the photos (embedding and image statistics), label-free accuracy, user corrections.',
            'Each test reports an effect size beside its p-value; a window is flagged when any test is significant after correcting for the number of tests.',
            'Alerts need two flagged windows in a row: unshifted photos almost never do that, while darkened, blurred or heavily compressed photos always do.',
          ],
        )}</div></div>`
      : `${missingBox(source, file, 'gourmetgram monitor validate --recipe latency', 'detector validation')}`,
    notes: [
      'The detectors were validated on real shifts made from our own photos, against a reference of held-out photos the model never trained on.',
      'A changed class mix is the hardest shift to see in one window of 60 predictions; the label-free accuracy estimate falls under every shift but understates the fall.',
    ],
  };
}

/** 13. The edge option: classification in the browser. */
export function edgeSlide(source: ResultsSource): Slide {
  const file = 'results/latency/edge.json';
  if (!source.has(file))
    return {
      title: 'Classification in the browser',
      headline: 'The browser can guess while the photo uploads; the server stays the source of truth.',
      body: missingBox(source, file, 'npm run bench:edge', 'browser benchmark'),
      notes: ['Run the browser benchmark.'],
    };
  const brotli = source.figure(file, 'download_total.brotli_bytes', 'edge download brotli bytes');
  const cold = source.figure(file, 'first_classification_ms.cold', 'edge first classification cold ms');
  const perPhoto = source.figure(file, 'test_photos.per_photo_ms.page.p50', 'edge per photo p50 ms');
  const agree = source.figure(file, 'test_photos.top1_agree', 'edge top-1 agreements');
  const photos = source.figure(file, 'test_photos.photos', 'edge test photos');
  return {
    title: 'Classification in the browser',
    headline:
      'The cheapest classification is the one our servers never run: the browser guesses while the photo uploads, the server stays the source of truth.',
    body: `<div class="kpis">${kpi(brotli === undefined ? '–' : `${(brotli / 1e6).toFixed(1)} MB`, 'one-time download (model + WebAssembly runtime, compressed), then cached')}${kpi(milliseconds(perPhoto), 'per photo in the browser (median, one thread)')}${kpi(`${count(agree)} of ${count(photos)}`, 'test photos where the browser and the server agree')}</div>${bullets(
      [
        `The first guess after opening the page takes ${milliseconds(cold)} (compiling the runtime); later ones are instant enough to show while the upload runs.`,
        'The server still classifies every photo and stores its answer: a browser can be switched off or lie. Without JavaScript the app works as before.',
        'Large phone photos agree on the category but not always within 0.02 in confidence: the server decodes them at reduced size, which the browser only approximates.',
      ],
    )}`,
    notes: [
      'What it saves: the user sees a category as soon as the photo is chosen, and the upload finishes with the server confirming or correcting it.',
      'Server cost does not fall yet, because the server remains the source of truth; it would if we trusted agreeing guesses for display and classified in batches later.',
    ],
  };
}
