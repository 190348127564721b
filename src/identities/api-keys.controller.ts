import { Body, Controller, Delete, HttpCode, Ip, Post } from '@nestjs/common';
import { Access, Public } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one } from '../common/envelope.js';
import { KeyValueDto, RevokeKeysDto } from './dto/api-key-value.dto.js';
import { IdentitiesService } from './identities.service.js';
import { ApiData, ApiErrors } from '../common/openapi.js';
import { SERVER_ERROR_STATUS } from '../common/exception.filter.js';
import { ApiError } from '../common/api-error.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';

/** Operations on keys by their value rather than their identity id. */
@Controller('apikeys')
export class ApiKeysController {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  /** Anyone who finds a leaked key may revoke it; the answer never says whether it existed. */
  @Post('revoke')
  @ApiData(Boolean)
  @ApiErrors(400, 429, SERVER_ERROR_STATUS)
  @Public()
  @HttpCode(200)
  async revoke(@Body() dto: RevokeKeysDto, @Ip() ip: string) {
    const wait = await this.rateLimits.revocationWait(ip);
    if (wait !== undefined) throw ApiError.tooManyRequests('Too many revocation requests from this address.', wait);
    await this.identities.revokeByValue(dto.keys, ip);
    return one(true);
  }

  /** Delete a key you may manage, naming it by value (CloudTower). */
  @Delete()
  @ApiData(Boolean)
  @Access({ permission: 'identities:write' })
  async deleteByValue(@CurrentPrincipal() principal: Principal, @Body() dto: KeyValueDto) {
    await this.identities.deleteByValue(principal, dto.key);
    return one(true);
  }
}
