import { loadConfig } from './config/load-config';
import {
  addJobs,
  APPLY_EXPIRY,
  BULK_QUEUE,
  DELIVER_WEBHOOKS,
  jobSchedules,
  jobsOf,
  MAINTENANCE_QUEUE,
  MAINTENANCE_WORKER_OPTIONS,
  QueueOf,
  RUN_BULK_JOB,
} from './queues';

describe('queue registry', () => {
  it('schedules every maintenance job, and gives each its own slot in the maintenance worker', () => {
    const schedules = jobSchedules(loadConfig({ RELAY_SWEEP_INTERVAL_MS: '2000' }));
    expect(Object.keys(schedules).sort()).toEqual(jobsOf(MAINTENANCE_QUEUE).sort());
    expect(schedules['sweep-deliveries']).toBe(2000);
    expect(MAINTENANCE_WORKER_OPTIONS.concurrency).toBe(5);
  });

  it('refuses, when compiling (`tsc`), a job with another job’s payload or on another queue', () => {
    const compiled = (
      bulk: QueueOf<typeof BULK_QUEUE>,
      maintenance: QueueOf<typeof MAINTENANCE_QUEUE>,
    ) => [
      addJobs(bulk, [{ name: RUN_BULK_JOB, data: { bulkJobId: 1 } }]),
      addJobs(maintenance, [{ name: APPLY_EXPIRY, data: {} }]),
      // @ts-expect-error the payload of another job
      addJobs(bulk, [{ name: RUN_BULK_JOB, data: { endpointId: 1 } }]),
      // @ts-expect-error a job of another queue
      addJobs(bulk, [{ name: DELIVER_WEBHOOKS, data: { endpointId: 1 } }]),
      // @ts-expect-error scheduled jobs carry no data
      addJobs(maintenance, [{ name: APPLY_EXPIRY, data: { bulkJobId: 1 } }]),
    ];
    expect(compiled).toBeInstanceOf(Function);
  });
});
