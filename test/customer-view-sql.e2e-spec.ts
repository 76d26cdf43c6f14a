import { Customer } from '../src/hosting/customer.entity';
import { customerAdminViewSql } from '../src/hosting/customer-view.sql';
import { toAdminView } from '../src/hosting/customer.views';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';

/** Bulk chunks announce customers with a view built in SQL: it must be the API's view, field for field. */
describe('the customer view built in SQL', () => {
  let test: TestApp;
  let admin: string;

  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  const bothViews = async (id: number) => {
    const em = test.em();
    const customer = await em.findOneOrFail(Customer, id);
    const [row] = await em
      .getConnection()
      .execute<Array<{ view: string }>>(
        `SELECT ${customerAdminViewSql('c')} AS view FROM customer c WHERE c.id = ?`,
        [id],
      );
    return {
      typescript: toAdminView(customer),
      sql: typeof row.view === 'string' ? (JSON.parse(row.view) as unknown) : row.view,
    };
  };

  it('equals toAdminView for an active customer with every field set, quotes and Unicode included', async () => {
    const customer = await createCustomer(test, admin, {
      name: 'Zoë "Q" O\'Brien \\ 日本',
      company: 'Ünïcode & Söhne GmbH',
      phone: '+49 30 1234',
      fax: '+49 30 1235',
      address: 'Straße 1, Hinterhaus',
      city: 'Köln',
      state: 'NRW',
      postalCode: '50667',
      country: 'DE',
      locale: 'de-DE',
      additionalInfo: 'Your server is 🖥 web01',
      description: 'Staff only: "pays late"',
      externalId: 'crm-4711',
    });
    const { typescript, sql } = await bothViews(customer.id);
    expect(sql).toEqual(typescript);
    expect(typescript).toMatchObject({ suspension: null, city: 'Köln' });
  });

  it('equals toAdminView for a suspended customer with its suspension, and with empty optional fields', async () => {
    const customer = await createCustomer(test, admin);
    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(admin))
      .send({ reason: 'Invoice "2026-113" overdue' })
      .expect(200);
    const { typescript, sql } = await bothViews(customer.id);
    expect(sql).toEqual(typescript);
    expect(typescript.suspension).toMatchObject({ reason: 'Invoice "2026-113" overdue' });
  });
});
