import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../../access/roles.js';
import { EmailAddress, LOGIN_PATTERN, LoginName, Password, PlainText } from '../../common/input-rules.js';

export class CreateUserDto {
  @ApiProperty({ pattern: LOGIN_PATTERN.source, example: 'jdoe' })
  @LoginName()
  login: string;

  /** Required unless the user is a service user, which never logs in with a password. */
  @ApiPropertyOptional({ minLength: 8, maxLength: 256, format: 'password', description: 'Required unless `isService`.' })
  @ValidateIf((dto: CreateUserDto) => !dto.isService || dto.password !== undefined)
  @Password()
  password?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'The company; the caller\'s own by default.' })
  @IsOptional()
  @IsUUID()
  organizationUid?: string;

  @ApiPropertyOptional({ default: false, description: 'A non-interactive account that owns keys and cannot log in with a password.' })
  @IsOptional()
  @IsBoolean()
  isService?: boolean;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @PlainText('firstName')
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @PlainText('lastName')
  lastName?: string;

  @ApiPropertyOptional({ format: 'email', description: 'An e-mail address, or `""` for none.' })
  @IsOptional()
  @EmailAddress()
  email?: string;
}
