import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ROLES, type Role } from '../../access/roles.js';
import { USER_STATUSES, type UserStatus } from '../user.entity.js';
import type { UserView } from '../user.mapper.js';

/** The documented shape of `UserView`; `implements` keeps the two in step. */
@ApiSchema({ name: 'User' })
export class UserViewDto implements UserView {
  @ApiProperty({ format: 'uuid' })
  instanceUid: string;

  @ApiProperty({ format: 'uuid', description: 'The company the user belongs to (the provider for provider-side users).' })
  organizationUid: string;

  @ApiProperty()
  companyName: string;

  @ApiProperty({ example: 'jdoe' })
  login: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ enum: USER_STATUSES })
  status: UserStatus;

  @ApiProperty({ description: 'A service user cannot log in with a password; it exists to own keys.' })
  isService: boolean;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty()
  email: string;

  @ApiProperty({ format: 'date-time' })
  creationDate: string;
}

@ApiSchema({ name: 'Me', description: 'The caller: its user, and what this credential may do.' })
export class MeViewDto extends UserViewDto {
  @ApiProperty({ type: [String], example: ['users:read', 'vm:read'], description: "The credential's effective permissions, built-in and custom." })
  permissions: string[];

  @ApiProperty({ description: 'True for a read-only session or key (GET, HEAD and OPTIONS only).' })
  readOnly: boolean;
}
