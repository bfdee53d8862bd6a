/** Stream names of the design card: one wallet per user, one creator stream per creator. */
export const walletStream = (userId: string): string => `wallet-${userId}`;
export const creatorStream = (creatorId: string): string => `creator-${creatorId}`;

export type StreamRef = { kind: 'wallet'; userId: string } | { kind: 'creator'; creatorId: string };

export function parseStreamName(name: string): StreamRef | null {
  if (name.startsWith('wallet-') && name.length > 7) return { kind: 'wallet', userId: name.slice(7) };
  if (name.startsWith('creator-') && name.length > 8) return { kind: 'creator', creatorId: name.slice(8) };
  return null;
}
