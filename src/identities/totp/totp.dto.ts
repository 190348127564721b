import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IdentityViewDto } from '../dto/identity-view.dto.js';

export class TotpCodeDto {
  @ApiProperty({ pattern: '^\\d{6}$', example: '123456', description: 'A current code from the authenticator app.' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

@ApiSchema({ name: 'TotpEnrolment', description: 'The new, still disabled TOTP identity and its seed, shown once.' })
export class TotpEnrolmentDto {
  @ApiProperty({ type: IdentityViewDto })
  identity: IdentityViewDto;

  @ApiProperty({ example: 'otpauth://totp/Latchkey:alice?secret=JBSWY3DPEHPK3PXP&issuer=Latchkey', description: 'Shown once: scan it as a QR code.' })
  otpauthUrl: string;
}
