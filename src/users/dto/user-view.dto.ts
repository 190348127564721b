import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ROLES, type Role } from '../../access/roles.js';
import { USER_STATUSES, USER_TITLES, type UserStatus, type UserTitle } from '../user.entity.js';
import type { MfaConfigurationStatus, MfaPolicyStatus, UserProfileView, UserView } from '../user.mapper.js';

@ApiSchema({ name: 'UserProfileAnswer', description: "VSPC's `UserProfile` as answered: null where nothing is set." })
export class UserProfileViewDto implements UserProfileView {
  @ApiProperty({ type: String, nullable: true })
  firstName: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastName: string | null;

  @ApiProperty({ enum: USER_TITLES })
  title: UserTitle;

  @ApiProperty({ type: String, nullable: true, format: 'email' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true })
  address: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone: string | null;
}

@ApiSchema({ name: 'CredentialsInfo' })
export class CredentialsInfoDto {
  @ApiProperty()
  userName: string;

  @ApiProperty({ type: String, nullable: true, enum: [null], description: 'Never answered: always null.' })
  password: null;
}

/** The documented shape of `UserView`: VSPC's `User` plus Latchkey's extensions; `implements` keeps the two in step. */
@ApiSchema({ name: 'User' })
export class UserViewDto implements UserView {
  @ApiProperty({ format: 'uuid' })
  instanceUid: string;

  @ApiProperty({ format: 'uuid', description: 'The organization the user belongs to: its company, or the provider for provider-side users.' })
  organizationUid: string;

  @ApiProperty({ example: 'jdoe', description: 'The login name.' })
  userName: string;

  @ApiProperty({ enum: USER_STATUSES })
  status: UserStatus;

  @ApiProperty({ enum: ['Disabled', 'Enabled'], description: '`Enabled` when the user has an enabled TOTP identity: every password login then asks for its code.' })
  mfaPolicyStatus: MfaPolicyStatus;

  @ApiProperty({ enum: ['NotConfigured', 'Configured'], description: '`Configured` when the user has an enabled TOTP identity.' })
  mfaPolicyConfigurationStatus: MfaConfigurationStatus;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ type: UserProfileViewDto })
  profile: UserProfileViewDto;

  @ApiProperty({ type: CredentialsInfoDto })
  credentials: CredentialsInfoDto;

  @ApiProperty({ description: 'Latchkey: a service user cannot log in with a password; it exists to own keys.' })
  isService: boolean;

  @ApiProperty({ description: "Latchkey: the name of the user's organization." })
  companyName: string;

  @ApiProperty({ format: 'date-time', description: 'Latchkey: when the user was created.' })
  creationDate: string;
}

@ApiSchema({ name: 'Me', description: 'The caller: its user, and what this credential may do.' })
export class MeViewDto extends UserViewDto {
  @ApiProperty({ type: [String], example: ['users:read', 'vm:read'], description: "Latchkey: the credential's effective permissions, built-in and custom." })
  permissions: string[];

  @ApiProperty({ description: 'Latchkey: true for a read-only session or key (GET, HEAD and OPTIONS only).' })
  readOnly: boolean;
}
