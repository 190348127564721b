import { Controller, Get } from '@nestjs/common';
import { one } from '../common/envelope.js';
import { Access } from '../access/access.decorator.js';
import { PERMISSIONS } from '../access/permissions.js';
import { ApiData } from '../common/openapi.js';
import { PermissionViewDto } from './dto/permission-view.dto.js';
import { Select } from '../common/selection.js';

@Controller('permissions')
export class PermissionsController {
  /** The permission catalogue, for building key policies. */
  @Get()
  @ApiData(PermissionViewDto, { list: true })
  @Select<{ name: string; description: string }>({ name: true, description: true })
  @Access()
  list() {
    return one(Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })));
  }
}
