import type { Role } from '../access/roles.js';
import type { AuditTarget } from '../audit/audit.service.js';
import type { Shape } from '../common/selection.js';
import type { User, UserStatus, UserTitle } from './user.entity.js';

export type MfaPolicyStatus = 'Enabled' | 'Disabled';
export type MfaConfigurationStatus = 'Configured' | 'NotConfigured';

export interface UserProfileView {
  firstName: string | null;
  lastName: string | null;
  title: UserTitle;
  email: string | null;
  address: string | null;
  phone: string | null;
}

/** VSPC's `User`, then Latchkey's extensions. */
export interface UserView {
  instanceUid: string;
  organizationUid: string;
  userName: string;
  status: UserStatus;
  mfaPolicyStatus: MfaPolicyStatus;
  mfaPolicyConfigurationStatus: MfaConfigurationStatus;
  role: Role;
  profile: UserProfileView;
  /** The password is never answered: always null, as in VSPC. */
  credentials: { userName: string; password: null };
  isService: boolean;
  companyName: string;
  creationDate: string;
}

/** What `select` may name on a user. */
export const USER_SHAPE: Shape<UserView> = {
  instanceUid: true, organizationUid: true, userName: true, status: true, mfaPolicyStatus: true, mfaPolicyConfigurationStatus: true,
  role: true, profile: { firstName: true, lastName: true, title: true, email: true, address: true, phone: true },
  credentials: { userName: true, password: true }, isService: true, companyName: true, creationDate: true,
};

export function toProfileView(user: User): UserProfileView {
  return { firstName: user.firstName ?? null, lastName: user.lastName ?? null, title: user.title, email: user.email ?? null, address: user.address ?? null, phone: user.phone ?? null };
}

/**
 * The user must have its company loaded. `secondFactor`: whether it has an enabled TOTP identity,
 * which both MFA statuses report (the identities module knows; docs/users.md).
 */
export function toUserView(user: User, secondFactor: boolean): UserView {
  return {
    instanceUid: user.instanceUid,
    organizationUid: user.company.instanceUid,
    userName: user.userName,
    status: user.status,
    mfaPolicyStatus: secondFactor ? 'Enabled' : 'Disabled',
    mfaPolicyConfigurationStatus: secondFactor ? 'Configured' : 'NotConfigured',
    role: user.role,
    profile: toProfileView(user),
    credentials: { userName: user.userName, password: null },
    isService: user.isService,
    companyName: user.company.name,
    creationDate: user.creationDate.toISOString(),
  };
}

export function userTarget(user: User): AuditTarget {
  return { type: 'user', id: user.instanceUid, companyUid: user.company.instanceUid };
}
