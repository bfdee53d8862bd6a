import { checkWebhookSignature, signWebhook } from './webhook-signature';

const secret = 'w'.repeat(32);
const body = Buffer.from('{"paymentId":"p1"}');

describe('payment webhook signatures', () => {
  it('accepts a signature made now over the raw body', () => {
    expect(checkWebhookSignature(signWebhook(body, secret, 1000), body, secret, 1000, 300)).toEqual({ ok: true });
  });

  it('accepts a rolled secret among several v1 values', () => {
    const header = `${signWebhook(body, 'old'.repeat(11), 1000)},v1=${signWebhook(body, secret, 1000).split('v1=')[1]}`;
    expect(checkWebhookSignature(header, body, secret, 1000, 300).ok).toBe(true);
  });

  it.each([
    ['a missing header', undefined, 1000],
    ['a stale timestamp', signWebhook(body, secret, 1000), 1301],
    ['a timestamp from the future', signWebhook(body, secret, 1400), 1000],
    ['another body', signWebhook(Buffer.from('{"paymentId":"p2"}'), secret, 1000), 1000],
    ['garbage', 't=abc,v1=zz', 1000],
  ])('refuses %s', (_, header, now) => {
    expect(checkWebhookSignature(header as string | undefined, body, secret, now as number, 300).ok).toBe(false);
  });
});
