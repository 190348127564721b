/** Latchkey's permission catalogue: `resource:action`, as SimpleVM's `vm:read`. */
export const PERMISSIONS = {
  'users:read': 'Read users of the tenant',
  'users:write': 'Create, change and delete users; revoke their sessions',
  'identities:read': 'Read identities (logins, API keys)',
  'identities:write': 'Create, change, rotate and delete identities',
  'companies:read': 'Read companies',
  'companies:write': 'Create, change and delete companies',
  'audit:read': 'Read the audit log',
  'introspect:use': 'Introspect API keys for other services',
  'about:read': 'Read the installation: its id, date and server version',
  'webhooks:read': 'Read the tenant\'s webhooks and their deliveries',
  'webhooks:write': 'Create, change and delete the tenant\'s webhooks; redeliver',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** Permissions that only read; what a read-only credential is left with. */
export function isReadPermission(permission: Permission): boolean {
  return permission.endsWith(':read');
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** Surfaces a credential may be scoped to (VSPC identity scopes). */
export const SURFACES = ['rest', 'integration', 'ui'] as const;
export type Surface = (typeof SURFACES)[number];

export function isSurface(value: unknown): value is Surface {
  return typeof value === 'string' && (SURFACES as readonly string[]).includes(value);
}
