import http from 'node:http';
import { AddressInfo } from 'node:net';
import { BODY_LIMIT } from '../src/http-app';
import { MAX_PACKET_DEPTH, MAX_PACKET_ELEMENTS } from '../src/plesk/xml/packet-reader';
import { AGENT_PATH, errorResult, packet, resultsOf, textAt } from './support/plesk-xml';
import { xmlSpecApp } from './support/plesk-xml-app';

/** Hostile XML sent to agent.php: refused with 1014, nothing expanded, read or written. */
describe('Plesk XML API (agent.php): hostile input', () => {
  const xml = xmlSpecApp();
  const { send, expectRefused } = xml;

  it('refuses a billion-laughs packet without expanding anything', async () => {
    const laughs = [
      '<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, level) =>
          `<!ENTITY lol${level + 1} "${`&lol${level === 0 ? '' : level};`.repeat(10)}">`,
      ),
    ].join('');
    const body = `<?xml version="1.0"?><!DOCTYPE packet [${laughs}]><packet version="1.6.3.0"><customer><add><gen_info><pname>&lol9;</pname></gen_info></add></customer></packet>`;
    const started = Date.now();
    const answer = await expectRefused(body, 1014);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.xml.length).toBeLessThan(1_000);
    expect(answer.xml).not.toContain('lollol');
    expect(textAt(answer.tree, 'system/errtext')).toMatch(/DTD/);
  });

  it('reads no external entity: no file, no URL', async () => {
    let fetched = 0;
    const server = http.createServer((_request, response) => {
      fetched += 1;
      response.end('<!ENTITY leak "leaked">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/evil.dtd`;
    try {
      const file = await expectRefused(
        `<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><packet version="1.6.3.0"><customer><get><filter><login>&xxe;</login></filter><dataset><gen_info/></dataset></get></customer></packet>`,
        1014,
      );
      expect(file.xml).not.toContain('root:');
      await expectRefused(
        `<?xml version="1.0"?><!DOCTYPE packet SYSTEM "${url}"><packet version="1.6.3.0"><server><get_protos/></server></packet>`,
        1014,
      );
      await expectRefused(
        `<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY % remote SYSTEM "${url}"> %remote;]><packet version="1.6.3.0"><server><get_protos/></server></packet>`,
        1014,
      );
      // An undeclared entity is no way around it either.
      await expectRefused(
        packet('<customer><get><filter><login>&xxe;</login></filter></get></customer>'),
        1014,
      );
      // The answers came after parsing ended: a read would have happened by now.
      expect(fetched).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it(`refuses a packet nested deeper than ${MAX_PACKET_DEPTH} levels`, async () => {
    const depth = MAX_PACKET_DEPTH + 1;
    const nested = `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
    const answer = await expectRefused(
      packet(`<customer><get><filter>${nested}</filter></get></customer>`),
      1014,
    );
    expect(textAt(answer.tree, 'system/errtext')).toMatch(/deeper/);
  });

  it(`refuses a packet of more than ${MAX_PACKET_ELEMENTS} elements`, async () => {
    const filter = '<id>1</id>'.repeat(MAX_PACKET_ELEMENTS);
    const answer = await expectRefused(
      packet(`<customer><del><filter>${filter}</filter></del></customer>`),
      1014,
    );
    expect(textAt(answer.tree, 'system/errtext')).toMatch(/elements/);
  });

  it("refuses a body over the limit with Plesk's error, still HTTP 200", async () => {
    const answer = await expectRefused(
      packet(
        `<customer><get><filter><login>${'x'.repeat(BODY_LIMIT)}</login></filter></get></customer>`,
      ),
      1014,
    );
    expect(textAt(answer.tree, 'system/errtext')).toMatch(/larger than/);
  });

  it('escapes what it echoes', async () => {
    const answer = await send(
      '<customer><get><filter><login>&lt;/filter-id&gt;&amp;</login></filter><dataset><gen_info/></dataset></get></customer>',
    );
    expect(resultsOf(answer, 'customer', 'get')).toEqual([
      errorResult(1013, ['filter-id', '</filter-id>&']),
    ]);
  });

  it('is not part of the OpenAPI document', async () => {
    const document = await xml.test.http().get('/api/docs-json').expect(200);
    expect(Object.keys(document.body.paths as object)).not.toContain(AGENT_PATH);
  });
});
