import { bullets, missingBox, paragraph } from './format.js';
import type { ResultsSource } from './results-source.js';
import type { Slide } from './slide.js';

/** 11. Reliability: overload and faults measured (shed rate, recovery time, nothing lost). */
export function reliabilitySlide(source: ResultsSource): Slide {
  const file = 'results/soak.json';
  return {
    title: 'Reliability under overload and faults',
    headline:
      'Overload is shed fast with a clear answer, faults recover by themselves, and nothing is left half-written.',
    body: source.has(file)
      ? paragraph('soak results')
      : missingBox(source, file, 'npm run soak', 'soak test'),
    notes: ['The soak test runs the overload and fault scenarios against real processes on this machine.'],
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
