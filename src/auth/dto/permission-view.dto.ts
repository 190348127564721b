import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ALL_PERMISSIONS } from '../../access/permissions.js';

@ApiSchema({ name: 'Permission' })
export class PermissionViewDto {
  @ApiProperty({ enum: ALL_PERMISSIONS, example: 'identities:read' })
  name: string;

  @ApiProperty()
  description: string;
}
