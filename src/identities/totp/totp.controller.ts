import { Body, Controller, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post } from '@nestjs/common';
import { Access } from '../../access/access.decorator.js';
import { CurrentPrincipal } from '../../access/current-principal.decorator.js';
import type { Principal } from '../../access/principal.js';
import { one } from '../../common/envelope.js';
import { ApiData } from '../../common/openapi.js';
import { IdentityViewDto } from '../dto/identity-view.dto.js';
import { TotpCodeDto, TotpEnrolmentDto } from './totp.dto.js';
import { IdentitiesService } from '../identities.service.js';
import { TotpService } from './totp.service.js';

/** Second factor: enrol (shows the seed once as an otpauth URL), then confirm with a first code. */
@Controller('users')
export class TotpController {
  constructor(
    private readonly totp: TotpService,
    private readonly identities: IdentitiesService,
  ) {}

  @Post(':userUid/logins/totp')
  @HttpCode(200)
  @ApiData(TotpEnrolmentDto)
  // Self-service for every role, even read-only users: the service allows only one's own user.
  @Access()
  async enrol(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) userUid: string) {
    const { identity, otpauthUrl } = await this.totp.enrol(principal, userUid);
    return one({ identity: this.identities.view(identity), otpauthUrl });
  }

  @Post(':userUid/logins/totp/:id/confirm')
  @HttpCode(200)
  @ApiData(IdentityViewDto)
  @Access()
  async confirm(
    @CurrentPrincipal() principal: Principal,
    @Param('userUid', ParseUUIDPipe) userUid: string,
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: TotpCodeDto,
  ) {
    return one(this.identities.view(await this.totp.confirm(principal, userUid, id, dto.code)));
  }
}
