import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';

describe('smoke', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.close());

  it('logs in, creates and lists a customer', async () => {
    const token = await loginAdmin(test);
    const customer = await createCustomer(test, token);
    const list = await test.http().get('/api/v1/customers').set(bearer(token)).expect(200);
    expect(list.body.items.map((c: { id: number }) => c.id)).toContain(customer.id);
  });
});
