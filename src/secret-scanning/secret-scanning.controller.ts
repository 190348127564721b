import { Controller, Header, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import { Public } from '../access/access.decorator.js';
import { SERVER_ERROR_STATUS } from '../common/exception.filter.js';
import { ApiErrors } from '../common/openapi.js';
import { LeakedTokenDto, LeakLabelDto } from './dto/leaked-token.dto.js';
import { LeakReportBody } from './leak-report.pipe.js';
import { KEY_ID_HEADER, ReportSignatureGuard, SIGNATURE_HEADER } from './report-signature.guard.js';
import { SecretScanningService } from './secret-scanning.service.js';

export const SECRET_SCANNING_ROUTE = '/api/v3/integration/secret-scanning';

/** Where a secret scanner (GitHub's partner programme) reports Latchkey keys it found in public. */
@Controller('integration')
export class SecretScanningController {
  constructor(private readonly scanning: SecretScanningService) {}

  /** Authenticated by the report's signature, not by a Latchkey credential; answers GitHub's bare array. */
  @Post('secret-scanning')
  @Public()
  @UseGuards(ReportSignatureGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiHeader({ name: KEY_ID_HEADER, required: true, description: 'Which configured public key signed the body.' })
  @ApiHeader({ name: SIGNATURE_HEADER, required: true, description: 'Base64 DER ECDSA P-256 / SHA-256 signature of the raw body.' })
  @ApiBody({ type: [LeakedTokenDto], description: 'JSON array of 1-1000 matches.' })
  @ApiOkResponse({ type: [LeakLabelDto], description: 'One label per match, in order; not the envelope.' })
  @ApiErrors(400, 401, 413, 429, SERVER_ERROR_STATUS)
  async report(@LeakReportBody() matches: LeakedTokenDto[], @Ip() ip: string): Promise<LeakLabelDto[]> {
    return this.scanning.report(matches, ip);
  }
}
