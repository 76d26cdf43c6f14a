import { TestApp, bearer } from './app';

let counter = 0;

/** A valid customer body; unique username and email per call. Override any field. */
export function customerInput(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const tag = `${process.env.JEST_WORKER_ID ?? 1}x${counter}${Math.random().toString(36).slice(2, 6)}`;
  return {
    username: `cust${tag}`,
    password: 'a-good-password-1',
    name: `Customer ${tag}`,
    email: `cust${tag}@example.com`,
    ...overrides,
  };
}

export interface CreatedCustomer {
  id: number;
  username: string;
  password: string;
  version: number;
  [key: string]: unknown;
}

/** Creates a customer through the API as an administrator. */
export async function createCustomer(
  test: TestApp,
  adminToken: string,
  overrides: Record<string, unknown> = {},
): Promise<CreatedCustomer> {
  const input = customerInput(overrides);
  const response = await test.http().post('/api/v1/customers').set(bearer(adminToken)).send(input);
  if (response.status !== 201)
    throw new Error(
      `creating a customer failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  return { ...(response.body as CreatedCustomer), password: input.password };
}
