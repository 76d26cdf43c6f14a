import { Injectable } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  MikroOrmHealthIndicator,
} from '@nestjs/terminus';
import { DatabaseAvailability } from '../database/database-availability';
import { RedisAvailability } from '../redis/redis-availability';

export interface ReadinessReport {
  ready: boolean;
  report: HealthCheckResult;
}

/**
 * Whether this process can do its work: MySQL answers, Redis answers and takes writes (a
 * read-only replica is not ready), and, in a process that runs queue workers, they are not paused
 * for a database outage. Served at `GET /health/ready` on the API port, and on HEALTH_PORT by a
 * worker-only process.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mysql: MikroOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisAvailability,
    private readonly database: DatabaseAvailability,
  ) {}

  async check(): Promise<ReadinessReport> {
    try {
      const report = await this.health.check([
        () => this.mysql.pingCheck('mysql', { timeout: 2000 }),
        () => this.redisCheck(),
        ...(this.database.status().workers > 0 ? [() => this.queueWorkersCheck()] : []),
      ]);
      return { ready: true, report };
    } catch (error) {
      const report = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      return { ready: false, report: report ?? { status: 'error', details: {} } };
    }
  }

  private async redisCheck() {
    const indicator = this.indicators.check('redis');
    const { state, detail } = await this.redis.probe();
    return state === 'writable'
      ? indicator.up()
      : indicator.down({ state, message: detail ?? state });
  }

  private queueWorkersCheck() {
    const indicator = this.indicators.check('queueWorkers');
    const { reachable, unreachableSince, lastError, workers } = this.database.status();
    return reachable
      ? indicator.up({ workers })
      : indicator.down({
          workers,
          message: `paused: the database has been unreachable since ${unreachableSince?.toISOString()} (${lastError})`,
        });
  }
}
