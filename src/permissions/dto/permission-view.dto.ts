import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ROLES } from '../../access/roles.js';

@ApiSchema({ name: 'Permission', description: 'A built-in permission of Latchkey, or one an integrator defined.' })
export class PermissionViewDto {
  @ApiProperty({ example: 'vm:read' })
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ description: "Latchkey's own; built-in permissions cannot be changed or deleted." })
  builtIn: boolean;

  @ApiProperty({ type: [String], enum: ROLES, description: 'Roles that hold the permission.' })
  roles: string[];
}
