import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>` (API.md). */
export function signWebhook(rawBody: string | Buffer, secret: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

export type WebhookSignatureCheck = { ok: true } | { ok: false; reason: string };

export function checkWebhookSignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  nowSeconds: number,
  toleranceSeconds: number,
): WebhookSignatureCheck {
  if (!header) return { ok: false, reason: 'The X-Signature header is missing.' };
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(eq + 1).trim()]);
  }
  const t = fields.get('t')?.[0];
  if (t === undefined || !/^\d{1,12}$/.test(t)) return { ok: false, reason: 'The X-Signature header has no valid timestamp.' };
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) {
    return { ok: false, reason: `The X-Signature timestamp is more than ${toleranceSeconds} s away from now.` };
  }
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  // Several v1 values are allowed so a provider can roll its secret.
  const matches = (fields.get('v1') ?? []).some((hex) => {
    if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  return matches ? { ok: true } : { ok: false, reason: 'The X-Signature does not match the body.' };
}
