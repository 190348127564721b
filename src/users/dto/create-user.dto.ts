import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../roles.js';

export const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export class CreateUserDto {
  @IsString()
  @Matches(LOGIN_PATTERN, { message: 'login must be 1-64 of letters, digits and ._@-' })
  login: string;

  /** Required unless the user is a service user, which never logs in with a password. */
  @ValidateIf((dto: CreateUserDto) => !dto.isService || dto.password !== undefined)
  @IsString()
  @Length(8, 256)
  password?: string;

  @IsIn(ROLES)
  role: Role;

  @IsOptional()
  @IsUUID()
  organizationUid?: string;

  @IsOptional()
  @IsBoolean()
  isService?: boolean;

  @IsOptional()
  @IsString()
  @Length(0, 128)
  @Matches(/^[^<>=]*$/, { message: 'firstName must not contain <, > or =' })
  firstName?: string;

  @IsOptional()
  @IsString()
  @Length(0, 128)
  @Matches(/^[^<>=]*$/, { message: 'lastName must not contain <, > or =' })
  lastName?: string;

  @IsOptional()
  @IsEmail()
  email?: string;
}
