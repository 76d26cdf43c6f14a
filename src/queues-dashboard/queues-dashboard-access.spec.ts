import fastifyAccepts from '@fastify/accepts';
import Fastify from 'fastify';
import { opensPage } from './queues-dashboard-access';

describe('opening the queue dashboard', () => {
  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const app = Fastify();

  beforeAll(async () => {
    await app.register(fastifyAccepts);
    app.get('/', (request) => ({ page: opensPage(request) }));
    await app.ready();
  });
  afterAll(() => app.close());

  const opens = async (accept?: string): Promise<boolean> => {
    const response = await app.inject({ url: '/', headers: accept ? { accept } : {} });
    return response.json<{ page: boolean }>().page;
  };

  it('is a page for a browser, which prefers HTML, whatever the order of its ranges', async () => {
    expect(await opens(BROWSER)).toBe(true);
    expect(await opens('*/*;q=0.1, text/*;q=0.5, Text/HTML;q=0.7, application/json;q=0.6')).toBe(
      true,
    );
  });

  it('is JSON for a caller that prefers JSON, says nothing, or does not mind', async () => {
    expect(await opens('application/json')).toBe(false);
    expect(await opens('application/json, text/html;q=0.5')).toBe(false);
    expect(await opens('*/*')).toBe(false);
    expect(await opens()).toBe(false);
    expect(await opens('text/html;q=0')).toBe(false);
  });
});
