import { defineEntity, p } from '@mikro-orm/core';
import { PERMISSION_NAME_MAX_LENGTH } from '../access/permissions.js';

/**
 * A permission an integrator defined for its own service (`vm:read`), and the roles it is granted
 * to. Built-in permissions are not stored: they live in access/permissions.ts.
 */
export const CustomPermissionSchema = defineEntity({
  name: 'CustomPermission',
  tableName: 'custom_permissions',
  properties: {
    name: p.string().length(PERMISSION_NAME_MAX_LENGTH).primary(),
    description: p.string().length(128),
    /** Role names (access/roles.ts) the permission is granted to. */
    roles: p.json<string[]>(),
    createdBy: p.string().length(36).nullable(),
    creationDate: p.datetime(),
  },
});

export class CustomPermission extends CustomPermissionSchema.class {}
CustomPermissionSchema.setClass(CustomPermission);
