import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, MaxLength } from 'class-validator';
import { SURFACES } from '../../access/permissions.js';
import { Description, PLAIN_TEXT } from '../../common/input-rules.js';
import { listFromQuery } from '../dto/api-key-policy.dto.js';
import { SECRET_URL_MAX_LENGTH } from './secret-url.js';

/** VSPC's `TotpSecret`: a fresh seed, not stored anywhere until a code proves it is in an app. */
@ApiSchema({ name: 'TotpSecret', description: 'A new TOTP secret for an authenticator app; pass `secretUrl` back with a code to enable it.' })
export class TotpSecretDto {
  @ApiProperty({ readOnly: true, example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32.' })
  secret: string;

  @ApiProperty({ readOnly: true, example: 'otpauth://totp/Latchkey:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Latchkey', description: 'For authenticator apps (QR code).' })
  secretUrl: string;
}

/** The query of `POST /users/{userUid}/logins/totp` (VSPC `AddTotpLogin`); there is no body. */
export class AddTotpLoginQuery {
  @ApiProperty({ maxLength: SECRET_URL_MAX_LENGTH, description: 'The `secretUrl` of `GET /authentication/keys/totp-secret` (or any otpauth://totp URL: SHA1, 6 digits, 30 s).' })
  @IsString({ message: 'secretUrl is required' })
  @MaxLength(SECRET_URL_MAX_LENGTH)
  secretUrl: string;

  @ApiProperty({ maxLength: 100, example: '123456', description: 'A current code from the authenticator app for that secret.' })
  @IsString({ message: 'code is required' })
  @MaxLength(100)
  code: string;

  @ApiProperty({ minLength: 1, maxLength: 128, pattern: PLAIN_TEXT.source, example: 'Authenticator app' })
  @Description()
  description: string;

  @ApiProperty({ type: [String], enum: SURFACES, description: 'Recorded on the identity (VSPC offers `ui`); a second factor guards the password login for every surface.' })
  @Transform(listFromQuery)
  @IsArray({ message: 'scopes is required: a list of rest, integration, ui' })
  @ArrayMinSize(1, { message: 'scopes must name at least one surface' })
  @ArrayUnique()
  @IsIn(SURFACES, { each: true, message: `each scope must be one of ${SURFACES.join(', ')}` })
  scopes: string[];
}
