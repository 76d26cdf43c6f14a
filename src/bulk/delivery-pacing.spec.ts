import { PACE_MAX_WAIT_MS, PACE_POLL_MS, PaceClock, waitForDrain } from './delivery-pacing';

/** A clock that only moves when the pacing sleeps, and a backlog that answers from a script. */
function scripted(backlogs: number[]): {
  clock: PaceClock;
  backlog: () => Promise<number>;
  looks: () => number;
} {
  let now = 0;
  let looks = 0;
  return {
    clock: { now: () => now, sleep: async (ms) => void (now += ms) },
    backlog: async () => backlogs[Math.min(looks++, backlogs.length - 1)],
    looks: () => looks,
  };
}

describe('how a bulk chunk waits for webhook deliveries to drain', () => {
  it('does not wait when the backlog is at or below the limit', async () => {
    const run = scripted([1000]);
    expect(await waitForDrain(run.backlog, 1000, run.clock)).toBe(0);
    expect(run.looks()).toBe(1);
  });

  it('waits while a draining backlog is above the limit, until it is not', async () => {
    const run = scripted([3000, 2500, 2000, 1500, 900]);
    expect(await waitForDrain(run.backlog, 1000, run.clock)).toBe(4 * PACE_POLL_MS);
  });

  it('stops waiting at once when the backlog does not shrink (a stuck or disabled consumer)', async () => {
    const run = scripted([3000, 3000, 2000]);
    expect(await waitForDrain(run.backlog, 1000, run.clock)).toBe(PACE_POLL_MS);
    const growing = scripted([3000, 3500]);
    expect(await waitForDrain(growing.backlog, 1000, growing.clock)).toBe(PACE_POLL_MS);
  });

  it('stops waiting when the backlog drains too slowly to reach the limit in time (a slow consumer)', async () => {
    // 10 per 100 ms: 4,000 above the limit would take 40 s.
    const run = scripted([5000, 4990, 4980]);
    expect(await waitForDrain(run.backlog, 1000, run.clock)).toBe(PACE_POLL_MS);
  });

  it('never waits longer than its bound, however the backlog moves', async () => {
    // Shrinks by a fifth every look: always about to reach the limit, never there.
    const backlogs = Array.from({ length: 200 }, (_, i) => 1000 + 1e9 * 0.8 ** i);
    const run = scripted(backlogs);
    const waited = await waitForDrain(run.backlog, 1000, run.clock);
    expect(waited).toBeLessThanOrEqual(PACE_MAX_WAIT_MS);
    expect(waited).toBeGreaterThan(PACE_MAX_WAIT_MS / 2);
  });

  it('stops waiting as soon as the worker is shutting down', async () => {
    const run = scripted([3000, 2500, 2000, 1500, 900]);
    let looks = 0;
    const stopping = () => (looks += 1) > 2;
    expect(await waitForDrain(run.backlog, 1000, run.clock, stopping)).toBe(2 * PACE_POLL_MS);
  });
});
