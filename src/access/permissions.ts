/**
 * Latchkey's built-in permission catalogue: `resource:action`, as SimpleVM's `vm:read`. Integrators
 * add their own (the permissions module); those are plain strings, these are typed.
 */
export const PERMISSIONS = {
  'users:read': 'Read users of the tenant',
  'users:write': 'Create, change and delete users; revoke their sessions',
  'identities:read': 'Read identities (logins, API keys)',
  'identities:write': 'Create, change, rotate and delete identities',
  'companies:read': 'Read companies',
  'companies:write': 'Create, change and delete companies',
  'audit:read': 'Read the audit log',
  'introspect:use': 'Introspect and verify API keys, and follow credential events, for other services',
  'about:read': 'Read the installation: its id, date and server version',
  'webhooks:read': 'Read the tenant\'s webhooks and their deliveries',
  'webhooks:write': 'Create, change and delete the tenant\'s webhooks; redeliver',
  'permissions:write': 'Define, change and delete custom permissions and their grants',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** A permission name, built-in or custom: `resource:action` in lower case (`vm:read`). */
export const PERMISSION_NAME = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;
export const PERMISSION_NAME_MAX_LENGTH = 64;

export function isPermissionName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= PERMISSION_NAME_MAX_LENGTH && PERMISSION_NAME.test(value);
}

/** Permissions that only read (`*:read`, custom ones too); what a read-only credential is left with. */
export function isReadPermission(permission: string): boolean {
  return permission.endsWith(':read');
}

export function isBuiltInPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** Surfaces a credential may be scoped to (VSPC identity scopes). */
export const SURFACES = ['rest', 'integration', 'ui'] as const;
export type Surface = (typeof SURFACES)[number];

export function isSurface(value: unknown): value is Surface {
  return typeof value === 'string' && (SURFACES as readonly string[]).includes(value);
}
