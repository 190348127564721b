import { PickType } from '@nestjs/swagger';
import { CreatePermissionDto } from './create-permission.dto.js';

/** The writable properties of a custom permission after a JSON Patch: its description and roles. */
export class UpdatePermissionDto extends PickType(CreatePermissionDto, ['description', 'roles']) {}
