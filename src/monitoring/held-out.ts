import { createHash } from 'node:crypto';
import type { DatasetItem } from '../data/index.js';

/**
 * The heads are refit on train + validation and their neighbour memory holds every training photo, so the
 * only photos a serving model has never seen are the test split's. Monitoring halves it by photo group (burst
 * shots of one dish stay on one side), alternating within each source in hash order so both halves hold every
 * source in the same proportion (a plain hash split put more lab photos on one side, and the sharpness test
 * rightly called that drift). Each half keeps one photo per group: burst shots are near-duplicates, and
 * every test here assumes independent photos; with a group's 16 shots in the reference, clean windows were
 * flagged 35 % of the time (measured). The "reference" half becomes the drift reference; the "check" half plays
 * production traffic in the detector validation and the end-to-end test. Neither half chooses a model.
 */
export function heldOutHalf(items: readonly DatasetItem[], half: 'reference' | 'check'): DatasetItem[] {
  const groupsBySource = new Map<string, Set<string>>();
  for (const item of items) {
    const groups = groupsBySource.get(item.source) ?? new Set<string>();
    groups.add(item.group);
    groupsBySource.set(item.source, groups);
  }
  const side = new Map<string, 'reference' | 'check'>();
  for (const groups of groupsBySource.values()) {
    const ordered = [...groups]
      .map((group) => ({ group, key: createHash('sha1').update(`monitoring:${group}`).digest('hex') }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    ordered.forEach(({ group }, i) => {
      side.set(group, i % 2 === 0 ? 'reference' : 'check');
    });
  }
  const kept = new Set<string>();
  return [...items]
    .sort((a, b) => (a.file < b.file ? -1 : 1))
    .filter((item) => {
      if (side.get(item.group) !== half || kept.has(item.group)) return false;
      kept.add(item.group);
      return true;
    });
}
