import { missingPrerequisites } from './prerequisites';
import { newRunId, RUN_ENV } from './test-run';

/**
 * Before any e2e spec: stops the run at once, with one line per missing server or browser,
 * instead of letting every spec fail on its own. Then names the run.
 */
export default async function globalSetup(): Promise<void> {
  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`\n${missing.join('\n')}\n`);
    process.exit(1);
  }
  // Jest workers inherit the environment of this process.
  process.env[RUN_ENV] ??= newRunId();
}
