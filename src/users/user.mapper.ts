import type { Role } from '../access/roles.js';
import type { AuditTarget } from '../audit/audit.service.js';
import type { User, UserStatus } from './user.entity.js';

export interface UserView {
  instanceUid: string;
  organizationUid: string;
  companyName: string;
  login: string;
  role: Role;
  status: UserStatus;
  isService: boolean;
  firstName: string;
  lastName: string;
  email: string;
  creationDate: string;
}

/** The user must have its company loaded. */
export function toUserView(user: User): UserView {
  return {
    instanceUid: user.instanceUid,
    organizationUid: user.company.instanceUid,
    companyName: user.company.name,
    login: user.login,
    role: user.role,
    status: user.status,
    isService: user.isService,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    creationDate: user.creationDate.toISOString(),
  };
}

export function userTarget(user: User): AuditTarget {
  return { type: 'user', id: user.instanceUid, companyUid: user.company.instanceUid };
}
