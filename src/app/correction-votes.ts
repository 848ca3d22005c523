/** One visitor's current vote on a photo. */
export interface Vote {
  readonly voterHash: string;
  readonly category: string;
}

/** The voter an admin-token request votes as: the admin decides alone, above the owner. */
export const adminVoter = 'admin';

/**
 * The category a photo shows, from its prediction and its votes (one per visitor). The admin's vote, then the
 * owner's, decides alone: it is the owner's photo, and their cookie is the only identity the app has. Anyone else's vote counts
 * once a category has `quorum` votes and more than any other category; until then the prediction stays, so the
 * last anonymous writer can never move a photo for everyone.
 */
export function shownCategory(
  predicted: string,
  ownerHash: string,
  votes: readonly Vote[],
  quorum: number,
): string {
  if (!(Number.isInteger(quorum) && quorum >= 1)) throw new Error(`bug: correction quorum ${quorum}`);
  const decider =
    votes.find((v) => v.voterHash === adminVoter) ?? votes.find((v) => v.voterHash === ownerHash);
  if (decider) return decider.category;
  const counts = new Map<string, number>();
  for (const v of votes) counts.set(v.category, (counts.get(v.category) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] < quorum || (second && second[1] === first[1])) return predicted;
  return first[0];
}
