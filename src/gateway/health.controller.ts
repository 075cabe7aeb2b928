import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';

/** Listed last in the API reference (api-reference.ts): what an operator needs, not what an app calls. */
export const OPERATIONS_TAG = 'Operations';

@ApiTags(OPERATIONS_TAG)
// By name: a bare @SkipThrottle() skips only a throttler called `default`, and the gateway's are `ip` and `project`.
@SkipThrottle({ ip: true, project: true })
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and database check', description: '200 when the database answers, else 503.' })
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
    } catch (error) {
      // Terminus reports a failed check as an exception carrying the report; monitors want that report with the 503
      // rather than the API's error envelope.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse();
    }
  }
}
