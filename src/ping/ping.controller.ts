import { Controller, Get } from '@nestjs/common';
import { Access, Public } from '../auth/access.decorator.js';
import { one } from '../common/envelope.js';

const PONG = { pong: true } as const;

/**
 * Liveness of the API and of a credential: `GET /ping` answers anyone, `GET /ping/authenticated`
 * answers the same body only through the global guard, so a client can check that its key or
 * token works without needing any permission. The pair is also what `npm run bench` compares.
 */
@Controller('ping')
export class PingController {
  @Get()
  @Public()
  ping() {
    return one(PONG);
  }

  @Get('authenticated')
  @Access()
  authenticated() {
    return one(PONG);
  }
}
