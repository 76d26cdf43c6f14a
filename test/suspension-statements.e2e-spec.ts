import { MikroORM } from '@mikro-orm/mysql';
import { performance } from 'node:perf_hooks';
import { CustomerRemoval } from '../src/customers/customer-removal.service';
import { buildOrmOptions } from '../src/database/mikro-orm.options';
import { CASCADE_TRANSACTION } from '../src/suspension/cascade-transaction';
import { SuspensionService } from '../src/suspension/suspension.service';
import { loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { seedHosting } from './support/hosting';
import { checkedStep } from './support/transitions';

/**
 * The cascade must cost the same number of SQL statements whatever a customer owns. A second ORM on
 * the same database logs every statement (MikroORM's query logger) and the service runs on it.
 */
describe('suspension cascade statements', () => {
  let test: TestApp;
  let admin: string;
  let orm: MikroORM;
  const statements: string[] = [];
  let suspension: SuspensionService;
  let removal: CustomerRemoval;

  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
    orm = await MikroORM.init({
      ...buildOrmOptions({ url: test.config.databaseUrl, poolMax: 2 }),
      debug: ['query'],
      colors: false,
      logger: (message: string) => statements.push(message),
    });
    suspension = test.app.get(SuspensionService);
    removal = test.app.get(CustomerRemoval);
  });
  afterAll(async () => {
    await orm.close(true);
    await test.close();
  });

  async function measured<T>(
    work: (em: ReturnType<MikroORM['em']['fork']>) => Promise<T>,
  ): Promise<{ result: T; statements: number; ms: number }> {
    statements.length = 0;
    const started = performance.now();
    const result = await orm.em.fork().transactional((em) => work(em), CASCADE_TRANSACTION);
    return {
      result,
      statements: statements.filter((line) => line.includes('[query]')).length,
      ms: Math.round(performance.now() - started),
    };
  }

  it('suspends and re-activates a customer with 500 domains in as many statements as one with 5', async () => {
    const small = await createCustomer(test, admin);
    const large = await createCustomer(test, admin);
    await seedHosting(test, small.id, { subscriptions: 1, domainsPerSubscription: 5 });
    await seedHosting(test, large.id, { subscriptions: 2, domainsPerSubscription: 250 });

    const smallSuspend = await measured((em) =>
      suspension.suspendCustomers(em, [small.id], { actor: 'system' }),
    );
    let largeSuspend!: Awaited<ReturnType<typeof measured>>;
    const step = await checkedStep(
      test,
      admin,
      async () => {
        largeSuspend = await measured((em) =>
          suspension.suspendCustomers(em, [large.id], { actor: 'system' }),
        );
      },
      { actor: 'system', compareViews: 5 },
    );
    expect(step.transitions).toHaveLength(1 + 2 + 500);
    expect(step.events).toHaveLength(503);
    expect(largeSuspend.result).toEqual(new Map([[large.id, 'suspended']]));
    expect(largeSuspend.statements).toBe(smallSuspend.statements);

    const smallActivate = await measured((em) =>
      suspension.activateCustomers(em, [small.id], { actor: 'system' }),
    );
    const largeActivate = await measured((em) =>
      suspension.activateCustomers(em, [large.id], { actor: 'system' }),
    );
    expect(largeActivate.statements).toBe(smallActivate.statements);
    const [{ suspended }] = await test
      .em()
      .getConnection()
      .execute<Array<{ suspended: string }>>(
        "SELECT COUNT(*) AS suspended FROM domain WHERE customer_id = ? AND status <> 'active'",
        [large.id],
      );
    expect(Number(suspended)).toBe(0);

    const smallRemove = await measured((em) =>
      removal.removeCustomers(em, [small.id], { actor: 'system' }),
    );
    const largeRemove = await measured((em) =>
      removal.removeCustomers(em, [large.id], { actor: 'system' }),
    );
    expect(largeRemove.statements).toBe(smallRemove.statements);

    process.stdout.write(
      `\n  cascade figures: suspend ${largeSuspend.statements} statements (5 domains: ${smallSuspend.statements}), ${largeSuspend.ms} ms for 500 domains;` +
        ` activate ${largeActivate.statements} statements, ${largeActivate.ms} ms; remove ${largeRemove.statements} statements, ${largeRemove.ms} ms\n`,
    );
  });

  it('takes a chunk of customers at once: outcomes per id, same statements for 2 or 20 customers, redoing it is harmless', async () => {
    const customers = [];
    for (let i = 0; i < 20; i += 1) customers.push(await createCustomer(test, admin));
    for (const customer of customers)
      await seedHosting(test, customer.id, { subscriptions: 2, domainsPerSubscription: 3 });
    const ids = customers.map((customer) => customer.id);

    const two = await measured((em) =>
      suspension.suspendCustomers(em, [ids[0], ids[1]], { actor: 'system', jobId: 7 }),
    );
    const step = await checkedStep(
      test,
      admin,
      async () => {
        const chunk = await measured((em) =>
          suspension.suspendCustomers(em, [...ids].reverse().concat([999999]), {
            actor: 'system',
            jobId: 7,
          }),
        );
        expect(chunk.statements).toBe(two.statements);
        expect(chunk.result.get(ids[1])).toBe('unchanged');
        expect(chunk.result.get(ids[2])).toBe('suspended');
        expect(chunk.result.get(999999)).toBe('not_found');
      },
      { actor: 'system', compareViews: 3 },
    );
    expect(step.transitions).toHaveLength(18 * (1 + 2 + 6));
    expect(new Set(step.events.map((event) => event.jobId))).toEqual(new Set([7]));

    const redo = await checkedStep(
      test,
      admin,
      () =>
        orm.em
          .fork()
          .transactional(
            (em) => suspension.suspendCustomers(em, ids, { actor: 'system' }),
            CASCADE_TRANSACTION,
          ),
      { actor: 'system' },
    );
    expect(redo.events).toEqual([]);
  });

  it('applies expiry set-based: expires subscriptions whose expiresAt passed and renews those moved into the future', async () => {
    const customer = await createCustomer(test, admin);
    const { subscriptionIds } = await seedHosting(test, customer.id, {
      subscriptions: 3,
      domainsPerSubscription: 4,
    });
    const connection = test.em().getConnection();
    await connection.execute('UPDATE subscription SET expires_at = ? WHERE id IN (?, ?)', [
      new Date('2020-01-01T00:00:00Z'),
      subscriptionIds[0],
      subscriptionIds[1],
    ]);

    const expire = await checkedStep(
      test,
      admin,
      () =>
        orm.em
          .fork()
          .transactional(
            (em) => suspension.applyExpiry(em, new Date(), { actor: 'system' }),
            CASCADE_TRANSACTION,
          ),
      { actor: 'system' },
    );
    expect(expire.transitions).toHaveLength(2 + 8);
    const again = await measured((em) =>
      suspension.applyExpiry(em, new Date(), { actor: 'system' }),
    );
    expect(again.result).toEqual({ expired: 0, renewed: 0 });

    await connection.execute('UPDATE subscription SET expires_at = ? WHERE id = ?', [
      new Date('2999-01-01T00:00:00Z'),
      subscriptionIds[0],
    ]);
    let renewed: unknown;
    const renew = await checkedStep(
      test,
      admin,
      async () => {
        renewed = await orm.em
          .fork()
          .transactional(
            (em) => suspension.applyExpiry(em, new Date(), { actor: 'system' }),
            CASCADE_TRANSACTION,
          );
      },
      { actor: 'system' },
    );
    expect(renewed).toEqual({ expired: 0, renewed: 1 });
    expect(renew.transitions).toHaveLength(1 + 4);
  });
});
