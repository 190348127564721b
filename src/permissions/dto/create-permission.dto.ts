import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { PERMISSION_NAME, PERMISSION_NAME_MAX_LENGTH } from '../../access/permissions.js';
import { roleNamed, ROLES } from '../../access/roles.js';
import { Description, PLAIN_TEXT } from '../../common/input-rules.js';

/** Role names as VSPC writes them (`PortalAdministrator`) or as stored: both mean the same role. */
const canonicalRoles = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((name: unknown) => roleNamed(name) ?? name) : value;

export class CreatePermissionDto {
  @ApiProperty({ example: 'vm:read', pattern: PERMISSION_NAME.source, maxLength: PERMISSION_NAME_MAX_LENGTH, description: '`resource:action`, lower case.' })
  @IsString({ message: 'name must be text like vm:read' })
  @MaxLength(PERMISSION_NAME_MAX_LENGTH, { message: `name must be at most ${PERMISSION_NAME_MAX_LENGTH} characters` })
  @Matches(PERMISSION_NAME, { message: 'name must be resource:action in lower case letters, digits and -, e.g. vm:read' })
  name: string;

  @ApiProperty({ minLength: 1, maxLength: 128, pattern: PLAIN_TEXT.source, example: 'List virtual machines' })
  @Description()
  description: string;

  @ApiProperty({ type: [String], enum: ROLES, description: 'Roles granted the permission (case-insensitive); may be empty.' })
  @Transform(canonicalRoles)
  @IsArray({ message: 'roles must be a list of role names' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique({ message: 'roles must not repeat a role' })
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles: string[];
}
