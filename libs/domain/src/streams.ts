/**
 * Stream names: one wallet per user, one creator stream per creator (the design card), and one
 * stream per payment, which claims its paymentId so that it credits one wallet only.
 */
export const walletStream = (userId: string): string => `wallet-${userId}`;
export const creatorStream = (creatorId: string): string => `creator-${creatorId}`;
export const paymentStream = (paymentId: string): string => `payment-${paymentId}`;

export type StreamRef = { kind: 'wallet'; userId: string } | { kind: 'creator'; creatorId: string } | { kind: 'payment'; paymentId: string };

export function parseStreamName(name: string): StreamRef | null {
  if (name.startsWith('wallet-') && name.length > 7) return { kind: 'wallet', userId: name.slice(7) };
  if (name.startsWith('creator-') && name.length > 8) return { kind: 'creator', creatorId: name.slice(8) };
  if (name.startsWith('payment-') && name.length > 8) return { kind: 'payment', paymentId: name.slice(8) };
  return null;
}

/** The id a stream is named after (user, creator or payment). */
export function streamOwnerId(ref: StreamRef): string {
  switch (ref.kind) {
    case 'wallet':
      return ref.userId;
    case 'creator':
      return ref.creatorId;
    case 'payment':
      return ref.paymentId;
  }
}
