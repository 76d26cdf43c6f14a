import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks `v1` signatures: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the
 * base64-decoded `whsec_` secret. The same bytes as `new Webhook(secret).sign(...)` of the
 * `standardwebhooks` package (a unit test holds the two equal), computed with node:crypto's native
 * HMAC, which is several times cheaper per delivery than the package's pure-JavaScript SHA-256.
 */
export class MessageSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    if (this.key.length === 0) throw new Error("Secret can't be empty.");
  }

  /** `timestampSeconds` is the `webhook-timestamp` header's value. */
  sign(messageId: string, timestampSeconds: number, body: string): string {
    return `v1,${createHmac('sha256', this.key).update(`${messageId}.${timestampSeconds}.`).update(body).digest('base64')}`;
  }
}
