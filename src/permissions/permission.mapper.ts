import { PERMISSIONS, type Permission } from '../access/permissions.js';
import { ROLE_PERMISSIONS, ROLES, type Role } from '../access/roles.js';
import type { AuditTarget } from '../audit/audit.service.js';
import type { CustomPermission } from './custom-permission.entity.js';

export interface PermissionView {
  name: string;
  description: string;
  builtIn: boolean;
  roles: Role[];
}

export function toBuiltInView(name: Permission): PermissionView {
  return { name, description: PERMISSIONS[name], builtIn: true, roles: ROLES.filter((role) => ROLE_PERMISSIONS[role].has(name)) };
}

export function toPermissionView(permission: CustomPermission): PermissionView {
  // Stored in the order given; shown in the order of ROLES.
  return { name: permission.name, description: permission.description, builtIn: false, roles: ROLES.filter((role) => permission.roles.includes(role)) };
}

/** Permissions are the portal's, not a tenant's: audited under the caller's (the provider's) company. */
export function permissionTarget(permission: CustomPermission, companyUid: string): AuditTarget {
  return { type: 'permission', id: permission.name, companyUid };
}
