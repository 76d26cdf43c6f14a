import { getQueueToken } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { addJobs, JobsOf, MAINTENANCE_QUEUE, QueueOf } from '../../src/queues';
import { TestApp } from './app';

export type MaintenanceJob = JobsOf<typeof MAINTENANCE_QUEUE>;

export const maintenanceQueue = (test: TestApp) =>
  test.app.get<QueueOf<typeof MAINTENANCE_QUEUE>>(getQueueToken(MAINTENANCE_QUEUE));

/** Adds one run of a maintenance job to the real queue; the worker of `test` (or any) takes it. */
export async function addMaintenance(test: TestApp, name: MaintenanceJob): Promise<Job> {
  const [job] = await addJobs(maintenanceQueue(test), [{ name, data: {} }]);
  return job;
}

/** The result of a maintenance job once it has completed (a failure or 20 s without one throw). */
export async function resultOf(test: TestApp, job: Job): Promise<unknown> {
  const queue = maintenanceQueue(test);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await job.getState();
    const now = async () => Job.fromId(queue, job.id ?? '');
    if (state === 'completed') return (await now())?.returnvalue;
    if (state === 'failed') throw new Error(`${job.name} failed: ${(await now())?.failedReason}`);
    if (Date.now() > deadline) throw new Error(`${job.name} still ${state} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs one maintenance job through the real queue and worker, and returns its result. */
export const runMaintenance = async (test: TestApp, name: MaintenanceJob) =>
  resultOf(test, await addMaintenance(test, name));
