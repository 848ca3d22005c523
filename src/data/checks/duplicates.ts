import { hammingDistance, type PerceptualHash } from './perceptual-hash.js';

/** One image as the duplicate scan sees it; any of the three fingerprints may be missing. */
export interface DuplicateCandidate {
  readonly file: string;
  readonly split: string;
  readonly label: number;
  readonly group: string;
  readonly sha256?: string;
  readonly dhash?: PerceptualHash;
  /** L2-normalised, so a dot product is the cosine similarity. */
  readonly embedding?: Float32Array;
}

export type DuplicateEvidence = 'exact' | 'hash' | 'embedding';

/**
 * exact: same bytes. near: one photo twice (hash confirmed by the embedding, or a very high cosine).
 * similar: one weak signal only, typically the same staged scene with a different item (ECUSTFD's lab shots
 * share a plate and background, so their dHashes collide while their embeddings tell bun from egg).
 */
export type DuplicateVerdict = 'exact' | 'near' | 'similar';

export interface DuplicatePair {
  readonly a: number;
  readonly b: number;
  readonly evidence: readonly DuplicateEvidence[];
  readonly verdict: DuplicateVerdict;
  readonly hamming: number | null;
  readonly cosine: number | null;
  /** The two files are in different splits: a model is tested (or selected) on what it trained on. */
  readonly cross_split: boolean;
  readonly same_label: boolean;
  readonly same_group: boolean;
}

export interface DuplicateThresholds {
  /** dHash bits that may differ (of 64). */
  readonly maxHamming: number;
  readonly minCosine: number;
  /** Cosine that confirms a dHash match as the same photo. */
  readonly confirmCosine: number;
  /** Cosine that alone makes a pair the same photo. */
  readonly strongCosine: number;
}

// Measured on food-11-compat: re-exported web photos match within 0-4 bits at cosine 0.85-0.97, while
// different items in the same lab scene match within 2-4 bits at cosine 0.79-0.84.
export const defaultDuplicateThresholds: DuplicateThresholds = Object.freeze({
  maxHamming: 4,
  minCosine: 0.95,
  confirmCosine: 0.85,
  strongCosine: 0.97,
});

/** How sure the evidence makes a pair a duplicate. */
export function duplicateVerdict(
  evidence: readonly DuplicateEvidence[],
  cosine: number | null,
  thresholds: DuplicateThresholds,
): DuplicateVerdict {
  if (evidence.includes('exact')) return 'exact';
  if (cosine === null) return evidence.includes('hash') ? 'near' : 'similar';
  if (cosine >= thresholds.strongCosine) return 'near';
  return evidence.includes('hash') && cosine >= thresholds.confirmCosine ? 'near' : 'similar';
}

/**
 * Every pair that is an exact copy (same SHA-256), a near copy by dHash, or a near copy by embedding
 * cosine, with all the evidence for it. Quadratic in the number of images, which is fine up to ~20k.
 */
export function findDuplicatePairs(
  items: readonly DuplicateCandidate[],
  thresholds: DuplicateThresholds = defaultDuplicateThresholds,
): DuplicatePair[] {
  const pairs: DuplicatePair[] = [];
  const n = items.length;
  for (let i = 0; i < n; i++) {
    const a = items[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = items[j]!;
      const evidence: DuplicateEvidence[] = [];
      if (a.sha256 !== undefined && a.sha256 === b.sha256) evidence.push('exact');
      const hamming = a.dhash && b.dhash ? hammingDistance(a.dhash, b.dhash) : null;
      if (hamming !== null && hamming <= thresholds.maxHamming) evidence.push('hash');
      const cosine = a.embedding && b.embedding ? dot(a.embedding, b.embedding) : null;
      if (cosine !== null && cosine >= thresholds.minCosine) evidence.push('embedding');
      if (evidence.length === 0) continue;
      pairs.push({
        a: i,
        b: j,
        evidence,
        verdict: duplicateVerdict(evidence, cosine, thresholds),
        hamming,
        cosine: cosine === null ? null : Math.round(cosine * 1e4) / 1e4,
        cross_split: a.split !== b.split,
        same_label: a.label === b.label,
        same_group: a.group === b.group,
      });
    }
  }
  return pairs;
}

/** Connected components of the pairs (a photo and all its copies), largest first, only those of size ≥ 2. */
export function duplicateClusters(n: number, pairs: readonly Pick<DuplicatePair, 'a' | 'b'>[]): number[][] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const { a, b } of pairs) parent[find(a)] = find(b);
  const clusters = new Map<number, number[]>();
  for (const { a, b } of pairs)
    for (const x of [a, b]) {
      const root = find(x);
      const list = clusters.get(root) ?? [];
      if (!list.includes(x)) list.push(x);
      clusters.set(root, list);
    }
  return [...clusters.values()]
    .map((c) => c.sort((x, y) => x - y))
    .sort((x, y) => y.length - x.length || x[0]! - y[0]!);
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  return norm === 0 ? Float32Array.from(vector) : Float32Array.from(vector, (v) => v / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k]! * b[k]!;
  return sum;
}

/**
 * Group names after joining every duplicate pair's groups, so a fold or split that keeps groups together
 * also keeps copies together. Each merged group is named by its alphabetically first member.
 */
export function mergeGroupsByPairs(
  groups: readonly string[],
  pairs: readonly Pick<DuplicatePair, 'a' | 'b'>[],
): string[] {
  const parent = new Map<string, string>(groups.map((g) => [g, g]));
  const find = (g: string): string => {
    let root = g;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(g, root);
    return root;
  };
  for (const { a, b } of pairs) {
    const [first, second] = [find(groups[a]!), find(groups[b]!)].sort();
    if (first !== second) parent.set(second!, first!);
  }
  return groups.map(find);
}
