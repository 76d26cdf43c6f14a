import { MAX_PACKET_DEPTH } from '../../src/plesk/xml/packet-reader';
import { packet } from './plesk-xml';

/** A packet the fuzz test sends to agent.php; every one must be refused, and change nothing. */
export interface HostilePacket {
  what: string;
  body: string | Buffer;
  contentType?: string;
}

/** Values no field of any operator accepts: longer than every limit, or not numbers where ids go. */
const TOO_LONG = 'x'.repeat(5_000);
const WRONG_IDS = ['0', '-1', '1e3', '0x10', '1.5', ' ', '99999999999999999999', TOO_LONG];
const ILLEGAL_CHARACTERS = [
  '&#0;',
  '&#1;',
  '&#xD800;',
  '&#xFFFE;',
  '\u0001',
  '&undefined;',
  '<',
  '&',
];

const CUSTOMER_FIELDS = [
  'cname',
  'pname',
  'login',
  'passwd',
  'phone',
  'fax',
  'email',
  'address',
  'city',
  'state',
  'pcode',
  'country',
  'locale',
  'external-id',
  'description',
];
const VALID_CUSTOMER: Record<string, string> = {
  pname: 'Fuzz Person',
  login: 'fuzzlogin',
  passwd: 'a-good-password-1',
  email: 'fuzz@example.com',
};

const genInfo = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('');

/**
 * Hostile and malformed packets for every operation agent.php runs: every field too long or made
 * of characters XML forbids, every id filter wrong, truncated and mangled packets, bytes that are
 * not UTF-8, and other content types. `ownerId` is a customer that exists (so the refusals are the
 * values', not a missing owner's).
 */
export function hostilePackets(ownerId: number): HostilePacket[] {
  const packets: HostilePacket[] = [];
  const add = (what: string, operators: string) => packets.push({ what, body: packet(operators) });

  for (const field of CUSTOMER_FIELDS) {
    for (const value of [TOO_LONG, ...ILLEGAL_CHARACTERS]) {
      const fields = { ...VALID_CUSTOMER, [field]: value };
      add(
        `customer add ${field}=${value.slice(0, 12)}`,
        `<customer><add><gen_info>${genInfo(fields)}</gen_info></add></customer>`,
      );
      add(
        `customer set ${field}=${value.slice(0, 12)}`,
        `<customer><set><filter><id>${ownerId}</id></filter><values><gen_info>${genInfo({ [field]: value })}</gen_info></values></set></customer>`,
      );
    }
  }
  for (const status of ['1', '4', '256', '-16', 'sixteen', TOO_LONG])
    add(
      `customer set status=${status.slice(0, 12)}`,
      `<customer><set><filter><id>${ownerId}</id></filter><values><gen_info><status>${status}</status></gen_info></values></set></customer>`,
    );

  for (const id of WRONG_IDS) {
    const filter = `<filter><id>${id}</id></filter>`;
    add(
      `customer get id=${id.slice(0, 12)}`,
      `<customer><get>${filter}<dataset><gen_info/><stat/></dataset></get></customer>`,
    );
    add(`customer del id=${id.slice(0, 12)}`, `<customer><del>${filter}</del></customer>`);
    add(
      `customer get-domain-list id=${id.slice(0, 12)}`,
      `<customer><get-domain-list>${filter}</get-domain-list></customer>`,
    );
    add(
      `webspace get id=${id.slice(0, 12)}`,
      `<webspace><get>${filter}<dataset><gen_info/></dataset></get></webspace>`,
    );
    add(`webspace del id=${id.slice(0, 12)}`, `<webspace><del>${filter}</del></webspace>`);
    add(
      `webspace set id=${id.slice(0, 12)}`,
      `<webspace><set>${filter}<values><gen_setup><status>16</status></gen_setup></values></set></webspace>`,
    );
    add(
      `webspace add owner-id=${id.slice(0, 12)}`,
      `<webspace><add><gen_setup><name>fuzz.example.com</name><owner-id>${id}</owner-id></gen_setup><plan-name>Basic</plan-name></add></webspace>`,
    );
  }
  for (const name of [TOO_LONG, 'not a hostname', '-bad-.example', '..', ...ILLEGAL_CHARACTERS])
    add(
      `webspace add name=${name.slice(0, 12)}`,
      `<webspace><add><gen_setup><name>${name}</name><owner-id>${ownerId}</owner-id></gen_setup><plan-name>Basic</plan-name></add></webspace>`,
    );
  add(
    'webspace add plan-name too long',
    `<webspace><add><gen_setup><name>fuzz.example.com</name><owner-id>${ownerId}</owner-id></gen_setup><plan-name>${TOO_LONG}</plan-name></add></webspace>`,
  );
  for (const ip of ['999.1.1.1', 'not-an-address', TOO_LONG, '10.0.0.0/99'])
    add(
      `secret_key create ip_address=${ip.slice(0, 12)}`,
      `<secret_key><create><ip_address>${ip}</ip_address></create></secret_key>`,
    );
  add(
    'secret_key create description too long',
    `<secret_key><create><ip_address>127.0.0.1</ip_address><description>${TOO_LONG}</description></create></secret_key>`,
  );
  for (const key of ['', 'ck_unknown', TOO_LONG]) {
    add(
      `secret_key delete key=${key.slice(0, 12)}`,
      `<secret_key><delete><filter><key>${key}</key></filter></delete></secret_key>`,
    );
    add(
      `secret_key get_info key=${key.slice(0, 12)}`,
      `<secret_key><get_info><filter><key>${key}</key></filter></get_info></secret_key>`,
    );
  }

  // A valid customer add cut short at many places: never well-formed, so never run.
  const whole = packet(
    `<customer><add><gen_info>${genInfo(VALID_CUSTOMER)}</gen_info></add></customer>`,
  );
  for (let end = 1; end < whole.length - 1; end += 7)
    packets.push({ what: `truncated at ${end}`, body: whole.slice(0, end) });
  packets.push(
    {
      what: 'latin-1 bytes',
      body: Buffer.concat([
        Buffer.from(whole.replace('Fuzz', 'F\u0000')),
        Buffer.from([0xe9, 0xff]),
      ]),
    },
    { what: 'not UTF-8', body: Buffer.from(whole.replace('Fuzz Person', 'Caf\u00e9'), 'latin1') },
    { what: 'UTF-16', body: Buffer.from(whole, 'utf16le') },
    {
      what: 'JSON',
      body: JSON.stringify({ customer: { add: VALID_CUSTOMER } }),
      contentType: 'application/json',
    },
    { what: 'form', body: 'packet=1', contentType: 'application/x-www-form-urlencoded' },
    { what: 'no content type', body: whole, contentType: '' },
    {
      what: 'deep',
      body: packet(
        `${'<customer>'.repeat(MAX_PACKET_DEPTH * 4)}${'</customer>'.repeat(MAX_PACKET_DEPTH * 4)}`,
      ),
    },
    {
      // A processing instruction is well-formed and ignored: the bad email is what refuses it.
      what: 'processing instruction',
      body: whole
        .replace('<packet', '<?php system("id"); ?><packet')
        .replace('fuzz@example.com', 'not-an-email'),
    },
    { what: 'CDATA login', body: whole.replace('fuzzlogin', '<![CDATA[</login>]]>') },
    {
      what: 'namespaced',
      body: whole
        .replace('<customer>', '<x:customer xmlns:x="urn:x">')
        .replace('</customer>', '</x:customer>'),
    },
    {
      what: 'attribute injection',
      body: whole.replace('version="1.6.3.0"', 'version="1.6.3.0" version="1.4.0.0"'),
    },
  );
  return packets;
}
