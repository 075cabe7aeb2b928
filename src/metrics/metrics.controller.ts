import { Controller, Get, Header, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Registry } from 'prom-client';
import { StytchExceptionFilter } from '../http/stytch-exception.filter.js';
import { InjectMetricsRegistry } from './metrics-registry.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/**
 * `GET /metrics` in Prometheus' text format, for a bearer token: mounted only with `metricsEndpoint: true`, and
 * kept out of the API reference (it is not part of Stytch's API).
 */
@ApiExcludeController()
@UseGuards(MetricsTokenGuard)
@UseFilters(StytchExceptionFilter)
@Controller('metrics')
export class MetricsController {
  constructor(@InjectMetricsRegistry() private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
