import { bearer, loginAdmin, startTestApp, TestApp } from './app';
import {
  adminHeaders,
  AgentAnswer,
  customerGenInfo,
  elements,
  packet,
  resultsOf,
  sendPacket,
  systemError,
  textAt,
} from './plesk-xml';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const today = () => new Date().toISOString().slice(0, 10);
export const anyString = () => expect.any(String) as unknown as string;

/** The app of an agent.php spec file, with the packets its tests send most. */
export class XmlSpecApp {
  /** Set before the file's first test. */
  test!: TestApp;
  /** The administrator's /api/v1 token, to check agent.php against v1. Set before the first test. */
  admin!: string;
  private webspaces = 0;

  /** A packet of `operators` as an administrator sends it. */
  send = (operators: string, version?: string, headers?: Record<string, string>) =>
    sendPacket(this.test, packet(operators, version), headers);

  /** What /api/v1 shows the administrator at `path`. */
  v1 = async (path: string): Promise<Record<string, unknown>> =>
    (await this.test.http().get(`/api/v1${path}`).set(bearer(this.admin)).expect(200))
      .body as Record<string, unknown>;

  /** `customer add`, expected to succeed. */
  addCustomer = async (fields: Record<string, string> = customerGenInfo()) => {
    const answer: AgentAnswer = await this.send(
      `<customer><add><gen_info>${elements(fields)}</gen_info></add></customer>`,
    );
    const [result] = resultsOf(answer, 'customer', 'add');
    expect(textAt(result, 'status')).toBe('ok');
    return { id: Number(textAt(result, 'id')), guid: textAt(result, 'guid')!, fields };
  };

  /** How many customers there are: a refused packet leaves it as it was. */
  customerCount = async (): Promise<number> => {
    const [row] = await this.test
      .em()
      .getConnection()
      .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM customer');
    return Number(row.n);
  };

  /** Sends `body` and expects Plesk's `<system>` error `code` (HTTP 200, XML), with no customer added. */
  expectRefused = async (
    body: string,
    code: number,
    headers: Record<string, string> = adminHeaders(),
    contentType?: string,
  ): Promise<AgentAnswer> => {
    const before = await this.customerCount();
    const answer = await sendPacket(this.test, body, headers, contentType);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.tree).toEqual(systemError(code));
    expect(await this.customerCount()).toBe(before);
    return answer;
  };

  /** `webspace add` as WHMCS sends it (hosting settings, plan-name beside gen_setup), expected to succeed. */
  addWebspace = async (ownerLogin: string, plan = 'Basic') => {
    this.webspaces += 1;
    const name = `ws${this.webspaces}-${Math.random().toString(36).slice(2, 8)}.example.com`;
    const answer = await this.send(
      `<webspace><add><gen_setup><name>${name}</name><owner-login>${ownerLogin}</owner-login><htype>vrt_hst</htype><ip_address>192.0.2.1</ip_address></gen_setup><hosting><vrt_hst><property><name>ftp_login</name><value>u1</value></property></vrt_hst></hosting><plan-name>${plan}</plan-name></add></webspace>`,
    );
    const [result] = resultsOf(answer, 'webspace', 'add');
    expect(result).toEqual([
      ['status', 'ok'],
      ['id', expect.stringMatching(/^\d+$/)],
      ['guid', expect.stringMatching(UUID)],
    ]);
    return { id: Number(textAt(result, 'id')), guid: textAt(result, 'guid')!, name };
  };
}

/** Starts the app (with `overrides`) before the spec file's tests, the administrator logged in, and closes it after them. */
export function xmlSpecApp(overrides: Record<string, string> = {}): XmlSpecApp {
  const xml = new XmlSpecApp();
  beforeAll(async () => {
    xml.test = await startTestApp(overrides);
    xml.admin = await loginAdmin(xml.test);
  });
  afterAll(() => xml.test?.close());
  return xml;
}
