import { Controller, Get } from '@nestjs/common';
import { Access, Public } from '../access/access.decorator.js';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { one } from '../common/envelope.js';
import { ApiData } from '../common/openapi.js';

const PONG = { pong: true } as const;

@ApiSchema({ name: 'Pong' })
class PongDto {
  @ApiProperty({ example: true })
  pong: boolean;
}

/**
 * Liveness of the API and of a credential: `GET /ping` answers anyone, `GET /ping/authenticated`
 * answers the same body only through the global guard, so a client can check that its key or
 * token works without needing any permission. The pair is also what `npm run bench` compares.
 */
@Controller('ping')
export class PingController {
  @Get()
  @Public()
  @ApiData(PongDto)
  ping() {
    return one(PONG);
  }

  @Get('authenticated')
  @Access()
  @ApiData(PongDto)
  authenticated() {
    return one(PONG);
  }
}
