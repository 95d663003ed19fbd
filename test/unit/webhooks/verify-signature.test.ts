import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidSignature, signBody } from '../../../lambdas/core/webhooks/verify-signature.js';

const body = Buffer.from('{"id":7000000000000000123,"note":"héllo"}', 'utf8');
const independent = (secret: string, bytes: Buffer) =>
  createHmac('sha256', secret).update(bytes).digest('base64');

describe('webhook signature', () => {
  it('accepts the base64 HMAC-SHA256 of the raw bytes under the right secret', () => {
    expect(isValidSignature(body, independent('s3cret', body), 's3cret')).toBe(true);
    expect(signBody('s3cret', body)).toBe(independent('s3cret', body));
  });
  it('rejects another secret, a changed byte, and signatures of the wrong length or encoding', () => {
    const good = independent('s3cret', body);
    expect(isValidSignature(body, good, 'other')).toBe(false);
    const changed = Buffer.from(body);
    changed[0] = changed[0]! ^ 1;
    expect(isValidSignature(changed, good, 's3cret')).toBe(false);
    expect(isValidSignature(body, good.slice(0, 20), 's3cret')).toBe(false);
    expect(isValidSignature(body, '', 's3cret')).toBe(false);
    expect(isValidSignature(body, Buffer.from(good, 'base64').toString('hex'), 's3cret')).toBe(false);
  });
});
