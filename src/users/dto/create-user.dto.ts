import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsUUID, ValidateBy, ValidateNested } from 'class-validator';
import { ROLES, type Role } from '../../access/roles.js';
import { LOGIN_PATTERN, LoginName, Password } from '../../common/input-rules.js';
import { UserProfileDto } from './user-profile.dto.js';

/** VSPC's `Credentials`: the login name and its password. */
@ApiSchema({ name: 'Credentials' })
export class CredentialsDto {
  @ApiProperty({ pattern: LOGIN_PATTERN.source, example: 'jdoe' })
  @LoginName('credentials.userName')
  userName: string;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 8, maxLength: 256, format: 'password', description: 'Required unless `isService`.' })
  @IsOptional()
  @Password('credentials.password')
  password?: string | null;
}

/** MFA is switched on by adding a TOTP identity, which a user being created cannot have yet. */
const MFA_AT_CREATION = ['Disabled'] as const;

/**
 * VSPC's `UserInput`, plus Latchkey's `isService`. `organizationUid` defaults to the caller's
 * organization (VSPC requires it).
 */
@ApiSchema({ name: 'UserInput' })
export class CreateUserDto {
  @ApiPropertyOptional({ format: 'uuid', description: "The user's organization: a company, or the provider. The caller's own by default." })
  @IsOptional()
  @IsUUID('all', { message: 'organizationUid must be a UUID' })
  organizationUid?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ type: UserProfileDto })
  @IsDefined({ message: 'profile is required (it may be {})' })
  @IsObject({ message: 'profile must be an object' })
  @ValidateNested()
  @Type(() => UserProfileDto)
  profile: UserProfileDto;

  @ApiProperty({ type: CredentialsDto })
  @IsDefined({ message: 'credentials is required' })
  @IsObject({ message: 'credentials must be an object' })
  @ValidateNested()
  @Type(() => CredentialsDto)
  @ValidateBy({
    name: 'passwordUnlessService',
    validator: {
      validate: (credentials: CredentialsDto | undefined, args) => (args?.object as CreateUserDto).isService === true || typeof credentials?.password === 'string',
      defaultMessage: () => 'credentials.password is required unless isService is true',
    },
  })
  credentials: CredentialsDto;

  @ApiPropertyOptional({
    enum: MFA_AT_CREATION,
    default: 'Disabled',
    description: 'Only `Disabled`: MFA turns on when the user adds a TOTP identity (`POST /users/{userUid}/logins/totp`).',
  })
  @IsOptional()
  @IsIn(MFA_AT_CREATION, { message: 'mfaPolicyStatus can only be Disabled for a new user: MFA turns on when the user adds a TOTP identity' })
  mfaPolicyStatus?: (typeof MFA_AT_CREATION)[number];

  @ApiPropertyOptional({ default: false, description: 'A non-interactive account that owns keys and cannot log in with a password.' })
  @IsOptional()
  @IsBoolean({ message: 'isService must be a boolean' })
  isService?: boolean;
}
