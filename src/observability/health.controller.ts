import { type ArgumentsHost, Catch, Controller, type ExceptionFilter, Get, ServiceUnavailableException, UseFilters } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MikroOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator.js';
import { ShutdownState } from './shutdown-state.js';

/** Probes answer in Terminus's own shape (`{ status, info, error, details }`), not the API envelope. */
@Catch(ServiceUnavailableException)
class ProbeFailureFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(503).header('cache-control', 'no-store').send(exception.getResponse());
  }
}

/** Liveness and readiness probes, outside /api/v3 and without credentials. */
@Controller('health')
@Public()
@UseFilters(ProbeFailureFilter)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: MikroOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process answers; nothing else is checked, so a slow database never restarts the service. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness probe' })
  live() {
    return this.health.check([]);
  }

  /** Ready to serve: not shutting down, and the database answers a query within a second. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness probe: not draining, and the database is reachable' })
  ready() {
    if (this.shutdown.draining) {
      const instance = { instance: { status: 'down', message: 'shutting down' } };
      throw new ServiceUnavailableException({ status: 'error', info: {}, error: instance, details: instance });
    }
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1000 })]);
  }
}
