import { loadConfig } from '../../config/load-config';
import { Webhook } from 'standardwebhooks';
import { parseRetryAfter, signMessage } from './http-delivery';
import { newWebhookSecret, SecretBox } from '../webhook-endpoint.entity';
import { nextRetryDelayMs } from './webhook-sender';

const HOUR = 3_600_000;
const SCHEDULE = loadConfig({}).webhookRetryScheduleMs;

describe('retry schedule', () => {
  it('follows the Standard Webhooks schedule, counted from the first attempt, over about 24 h', () => {
    expect(SCHEDULE).toEqual([
      5000,
      300_000,
      1_800_000,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      14 * HOUR,
      20 * HOUR,
      24 * HOUR,
    ]);
    const first = 1_000_000;
    expect(nextRetryDelayMs(SCHEDULE, 1, first, null, first + 100, () => 0)).toBe(4900);
    expect(nextRetryDelayMs(SCHEDULE, 9, first, null, first + 20 * HOUR, () => 0)).toBe(4 * HOUR);
  });

  it('adds up to 10 % of the gap as jitter', () => {
    expect(nextRetryDelayMs(SCHEDULE, 2, 0, null, 5000, () => 0.999)).toBeCloseTo(
      295_000 + 0.0999 * 295_000,
      -1,
    );
  });

  it('can be configured (tests use a short one) but must ascend', () => {
    expect(
      loadConfig({ WEBHOOK_RETRY_SCHEDULE_MS: '100, 200,400' }).webhookRetryScheduleMs,
    ).toEqual([100, 200, 400]);
    for (const bad of ['200,100', '100,100', 'a,b', ',', '-5']) {
      expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE_MS: bad })).toThrow(
        /WEBHOOK_RETRY_SCHEDULE_MS/,
      );
    }
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(nextRetryDelayMs(SCHEDULE, 1, 0, 60_000, 0, () => 0)).toBe(60_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(28_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter('999999999')).toBe(24 * HOUR);
  });
});

describe('secret box', () => {
  it('encrypts secrets with AES-256-GCM and detects tampering', () => {
    const box = new SecretBox(
      loadConfig({ SECRET_ENCRYPTION_KEY: 'ab'.repeat(32), LOG_LEVEL: 'silent' }),
    );
    const secret = newWebhookSecret();
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.open(sealed)).toBe(secret);
    const other = new SecretBox(loadConfig({ SECRET_ENCRYPTION_KEY: 'cd'.repeat(32) }));
    expect(() => other.open(sealed)).toThrow();
    const [format, iv, tag, data] = sealed.split(':');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([format, iv, tag, flipped.toString('base64url')].join(':'))).toThrow();
  });
});

describe('message signatures', () => {
  it('are made by the standardwebhooks package: the timestamp in seconds, and they verify with it', () => {
    for (const body of ['{"type":"customer.created","data":{}}', '{"name":"Zoë ✓ 日本"}', '']) {
      const secret = newWebhookSecret();
      const at = new Date(1_700_000_000_123);
      const signature = signMessage(secret, '42', Math.floor(at.getTime() / 1000), body);
      expect(signature).toBe(new Webhook(secret).sign('42', at, body));
      const headers = {
        'webhook-id': '42',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': '',
      };
      headers['webhook-signature'] = signMessage(
        secret,
        '42',
        Number(headers['webhook-timestamp']),
        body,
      );
      if (body) expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
  });
});
