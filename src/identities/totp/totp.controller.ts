import { Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../../access/access.decorator.js';
import { CurrentPrincipal } from '../../access/current-principal.decorator.js';
import type { Principal } from '../../access/principal.js';
import { one } from '../../common/envelope.js';
import { ApiData } from '../../common/openapi.js';
import { IdentityViewDto } from '../dto/identity-view.dto.js';
import { AddTotpLoginQuery, TotpSecretDto } from './totp.dto.js';
import { IdentitiesService } from '../identities.service.js';
import { TotpService } from './totp.service.js';

/**
 * VSPC's second-factor set-up: get a secret, have the app show a code, and enable the TOTP
 * identity with both in one call. Each person does it for themself, signed in: self-service for
 * every role, never with an API key (a key must not be able to change how its user signs in).
 */
@Controller()
@ApiTags('TOTP')
export class TotpController {
  constructor(
    private readonly totp: TotpService,
    private readonly identities: IdentitiesService,
  ) {}

  @Get('authentication/keys/totp-secret')
  @Header('Cache-Control', 'no-store')
  @ApiData(TotpSecretDto, { description: 'A new secret, stored nowhere until `POST /users/{userUid}/logins/totp` enables it.' })
  @Access({ sessionOnly: true })
  secret(@CurrentPrincipal() principal: Principal) {
    return one(this.totp.newSecret(principal));
  }

  @Post('users/:userUid/logins/totp')
  @HttpCode(200)
  @ApiData(IdentityViewDto, { description: 'The enabled TOTP identity; from now on a password sign-in asks for a code.' })
  @Access({ sessionOnly: true })
  async add(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) userUid: string, @Query() query: AddTotpLoginQuery) {
    return one(this.identities.view(await this.totp.add(principal, userUid, query)));
  }
}
