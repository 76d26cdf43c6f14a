import { newRunId, RUN_ENV } from './test-run';

export default async function globalSetup(): Promise<void> {
  // Jest workers inherit the environment of this process.
  process.env[RUN_ENV] ??= newRunId();
}
