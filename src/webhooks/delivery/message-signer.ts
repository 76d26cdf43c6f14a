import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks `v1` signatures, made by the `standardwebhooks` package itself (the contract:
 * consumers verify with the same package). One instance per secret: the package decodes the
 * `whsec_` key once in its constructor.
 */
export class MessageSigner {
  private readonly webhook: Webhook;

  constructor(secret: string) {
    this.webhook = new Webhook(secret);
  }

  /** `timestampSeconds` is the `webhook-timestamp` header's value. */
  sign(messageId: string, timestampSeconds: number, body: string): string {
    return this.webhook.sign(messageId, new Date(timestampSeconds * 1000), body);
  }
}
