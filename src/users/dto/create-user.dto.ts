import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../roles.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export class CreateUserDto {
  @ApiProperty({ pattern: LOGIN_PATTERN.source, example: 'jdoe' })
  @IsString()
  @Matches(LOGIN_PATTERN, { message: 'login must be 1-64 of letters, digits and ._@-' })
  login: string;

  /** Required unless the user is a service user, which never logs in with a password. */
  @ApiPropertyOptional({ minLength: 8, maxLength: 256, format: 'password', description: 'Required unless `isService`.' })
  @ValidateIf((dto: CreateUserDto) => !dto.isService || dto.password !== undefined)
  @IsString()
  @Length(8, 256)
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
  @IsString()
  @Length(0, 128)
  @Matches(/^[^<>=]*$/, { message: 'firstName must not contain <, > or =' })
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @Length(0, 128)
  @Matches(/^[^<>=]*$/, { message: 'lastName must not contain <, > or =' })
  lastName?: string;

  @ApiPropertyOptional({ format: 'email' })
  @IsOptional()
  @IsEmail()
  email?: string;
}
