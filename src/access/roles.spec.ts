import { describe, expect, it } from 'vitest';
import { ROLE, ROLE_PERMISSIONS, ROLES } from './roles.js';

describe('roles', () => {
  it("are VSPC's UserRole names", () => {
    expect([...ROLES]).toEqual(['PortalAdministrator', 'PortalOperator', 'PortalReadonlyOperator', 'CompanyOwner', 'CompanyAdministrator', 'CompanyLocationUser']);
  });

  it('give about:read to the Portal Administrator alone', () => {
    expect(ROLES.filter((role) => ROLE_PERMISSIONS[role].has('about:read'))).toEqual([ROLE.PortalAdministrator]);
  });

  it('leave the company location user without user management, as VSPC does', () => {
    expect(ROLE_PERMISSIONS[ROLE.CompanyLocationUser].has('users:write')).toBe(false);
  });
});
