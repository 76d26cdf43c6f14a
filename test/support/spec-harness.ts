/**
 * Runs around every e2e spec file (Jest `setupFilesAfterEnv`). Its afterAll runs after the
 * file's own hooks: it kills the child processes the file started and closes what it opened in
 * this process (applications, browsers), and fails the file if any of them was still there, so a
 * leak is named at the file that made it instead of surfacing later as a Jest that does not exit
 * or as a later file's queue consumed by a stranger.
 */
import { aliveChildren, killAllChildren } from './child-processes';
import { closeLeftovers, trackOpen } from './open-resources';
import { takeSuccessMismatches } from './openapi-contract';
import { specPath } from './test-run';
import { WebhookReceiver } from './webhook-receiver';

// Receivers register like applications and browsers do, so a receiver a failed beforeAll left
// open cannot keep Jest from exiting. (Wrapped here because webhook-receiver.ts has its own owner;
// once it calls trackOpen itself, this goes.)
const startReceiver = WebhookReceiver.start.bind(WebhookReceiver);
WebhookReceiver.start = async (...args: Parameters<typeof WebhookReceiver.start>) => {
  const receiver = await startReceiver(...args);
  receiver.close = trackOpen('webhook receiver', receiver.close.bind(receiver));
  return receiver;
};

/** Listening servers in this process (supertest's own close with each request). */
const listeningServers = () =>
  process.getActiveResourcesInfo().filter((type) => type === 'TCPServerWrap').length;

let serversBefore = 0;

// Every 2xx JSON answer a test received from a test app matches the OpenAPI document
// (openapi-contract.ts): a mismatch fails the test that saw it.
afterEach(() => {
  expect({ undocumentedAnswers: takeSuccessMismatches() }).toEqual({ undocumentedAnswers: [] });
});

beforeAll(() => {
  serversBefore = listeningServers();
});

afterAll(async () => {
  const children = aliveChildren();
  await killAllChildren({ refuseNew: true });
  const { closed, failed } = await closeLeftovers();
  // A server's handle is released a loop turn or so after its close callback: give it a moment.
  const settled = Date.now() + 1_000;
  while (listeningServers() > serversBefore && Date.now() < settled)
    await new Promise((resolve) => setTimeout(resolve, 10));
  const servers = listeningServers() - serversBefore;

  const problems = [
    ...children.map((child) => `child process ${child} was still running (killed now)`),
    ...closed.map((label) => `${label} was still open (closed now)`),
    ...failed.map((label) => `${label} was still open and could not be closed`),
    ...(servers > 0
      ? [
          `${servers} listening server(s) opened by this file are still open (started outside the helpers of test/support)`,
        ]
      : []),
  ];
  if (problems.length > 0)
    throw new Error(
      `${specPath()} left behind: ${problems.join('; ')}. Close in afterAll what beforeAll opened, also when beforeAll failed half-way.`,
    );
});
