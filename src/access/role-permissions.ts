import { isReadPermission, PERMISSIONS } from './permissions.js';
import { ROLE_PERMISSIONS, ROLES, type Role } from './roles.js';

/** A custom permission as far as principals care: its name and the roles it is granted to. */
export interface CustomGrant {
  name: string;
  roles: readonly Role[];
}

interface RoleSets {
  all: ReadonlySet<string>;
  /** What a read-only credential of the role keeps: the `*:read` ones. */
  reads: ReadonlySet<string>;
}

const EMPTY: RoleSets = { all: new Set(), reads: new Set() };
const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((name) => b.has(name));

/**
 * Each role's permissions: its built-ins plus the custom permissions granted to it. Immutable, one
 * set per role (and one of its reads), shared by every principal of that role, so building a
 * principal allocates no permission set; a change makes a new RolePermissions.
 */
export class RolePermissions {
  static readonly BUILT_IN = RolePermissions.from([]);

  private constructor(
    private readonly sets: ReadonlyMap<Role, RoleSets>,
    /** Custom permission names, granted or not. */
    readonly custom: ReadonlySet<string>,
  ) {}

  static from(grants: Iterable<CustomGrant>): RolePermissions {
    const custom = new Set<string>();
    const extra = new Map<Role, string[]>();
    for (const grant of grants) {
      custom.add(grant.name);
      for (const role of grant.roles) extra.set(role, [...(extra.get(role) ?? []), grant.name]);
    }
    const sets = new Map<Role, RoleSets>();
    for (const role of ROLES) {
      const all = new Set<string>([...ROLE_PERMISSIONS[role], ...(extra.get(role) ?? []).sort()]);
      sets.set(role, { all, reads: new Set([...all].filter(isReadPermission)) });
    }
    return new RolePermissions(sets, custom);
  }

  /** The role's permissions; none for a role this version does not know. */
  of(role: Role, readOnly = false): ReadonlySet<string> {
    const sets = this.sets.get(role) ?? EMPTY;
    return readOnly ? sets.reads : sets.all;
  }

  /** Whether the name is a permission at all: built-in, or defined by an integrator. */
  isDefined(name: string): boolean {
    return Object.hasOwn(PERMISSIONS, name) || this.custom.has(name);
  }

  /** Roles whose permissions differ between `previous` and this: whose principals are stale. */
  changedSince(previous: RolePermissions): Role[] {
    return ROLES.filter((role) => !sameSet(previous.of(role), this.of(role)));
  }
}
