import { addAdministrator, resetAdministratorPassword } from '../src/auth/administrators';
import { ADMIN } from './support/database';
import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';

describe('operator commands', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.close());

  it("resets an administrator's password: the new one works, the old one and its sessions do not", async () => {
    const oldToken = await loginAdmin(test);
    const password = await resetAdministratorPassword(test.orm, ADMIN.username);
    expect(password.length).toBeGreaterThanOrEqual(20);
    await test.http().get('/api/v1/auth/me').set(bearer(oldToken)).expect(401);
    await test.http().post('/api/v1/auth/login').send(ADMIN).expect(401);
    await login(test, ADMIN.username, password);
    await resetAdministratorPassword(test.orm, ADMIN.username, ADMIN.password);
  });

  it('refuses to reset the password of an unknown administrator', async () => {
    await expect(resetAdministratorPassword(test.orm, 'nobody')).rejects.toThrow(
      'There is no administrator "nobody".',
    );
  });

  it('adds an administrator who can log in, but never with a username already taken by a customer', async () => {
    const password = await addAdministrator(test.orm, 'second-admin');
    const token = await login(test, 'second-admin', password);
    const me = await test.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
    expect(me.body.role).toBe('admin');
    const customer = await createCustomer(test, token);
    await expect(addAdministrator(test.orm, customer.username.toUpperCase())).rejects.toThrow(
      'is taken',
    );
    await expect(addAdministrator(test.orm, 'Second-Admin')).rejects.toThrow('is taken');
    await expect(addAdministrator(test.orm, '-bad name')).rejects.toThrow('1-60 characters');
  });
});
