import { Injectable, type PipeTransform } from '@nestjs/common';
import { isPermissionName } from '../access/permissions.js';
import { ApiError } from '../common/api-error.js';

/** A `{name}` path parameter that is a permission name (`vm:read`); anything else is a 400. */
@Injectable()
export class PermissionNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isPermissionName(value)) throw ApiError.badRequest('The permission name must be resource:action in lower case, e.g. vm:read.', { parameterName: 'name' });
    return value;
  }
}
