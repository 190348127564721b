import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one } from '../common/envelope.js';
import { ApiData } from '../common/openapi.js';
import { parseVerifyRequest, VerifyAnswerDto, VerifyRequestDto } from './dto/verify.dto.js';
import { VerificationService } from './verification.service.js';

/** For resource servers that accept Latchkey keys (the NestJS SDK calls it); integration surface only. */
@Controller('integration')
export class VerifyController {
  constructor(private readonly verification: VerificationService) {}

  /** Whether a key may make a resource server's request; a refusal is an answer, with its code. */
  @Post('verify')
  @HttpCode(200)
  @ApiBody({ type: VerifyRequestDto })
  @ApiData(VerifyAnswerDto)
  @Header('Cache-Control', 'no-store')
  @Access({ surface: 'integration', permission: 'introspect:use', ownable: false })
  async verify(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    return one(await this.verification.verify(caller, parseVerifyRequest(body)));
  }
}
