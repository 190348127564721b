// Typed calls for the endpoints the console uses.
import { del, get, patch, post } from './api';
import type { AuditEntry, Identity, Me, NewApiKey, NewPermission, Permission, Role, TotpEnrolment, User } from './types';

const seg = encodeURIComponent;
const logins = (userUid: string) => `/users/${seg(userUid)}/logins`;

export const getMe = () => get<Me>('/users/me');
export const listUsers = (limit: number, offset: number) => get<User[]>('/users', { limit, offset });
export const getUser = (userUid: string) => get<User>(`/users/${seg(userUid)}`);
export const listIdentities = (userUid: string) => get<Identity[]>(logins(userUid));
export const listPermissions = () => get<Permission[]>('/permissions');
export const createPermission = (body: NewPermission) => post<Permission>('/permissions', body);
export const updatePermission = (name: string, description: string, roles: Role[]) =>
  patch<Permission>(`/permissions/${seg(name)}`, [
    { op: 'replace', path: '/description', value: description },
    { op: 'replace', path: '/roles', value: roles },
  ]);
export const deletePermission = (name: string) => del<boolean>(`/permissions/${seg(name)}`);

export const createApiKey = (userUid: string, body: NewApiKey) =>
  post<Identity>(`${logins(userUid)}/apikey`, body);

export const setIdentityStatus = (userUid: string, id: number, status: 'enabled' | 'disabled') =>
  patch<Identity>(`${logins(userUid)}/${id}`, [{ op: 'replace', path: '/status', value: status }]);

export const setIdentityDescription = (userUid: string, id: number, description: string) =>
  patch<Identity>(`${logins(userUid)}/${id}`, [{ op: 'replace', path: '/description', value: description }]);

export const rotateApiKey = (userUid: string, id: number, gracePeriodSeconds: number) =>
  post<Identity>(`${logins(userUid)}/${id}/rotate`, { gracePeriodSeconds });

export const deleteIdentity = (userUid: string, id: number) => del<boolean>(`${logins(userUid)}/${id}`);

export const enrolTotp = (userUid: string) => post<TotpEnrolment>(`${logins(userUid)}/totp`);
export const confirmTotp = (userUid: string, id: number, code: string) =>
  post<Identity>(`${logins(userUid)}/totp/${id}/confirm`, { code });

export interface AuditFilter {
  action?: string;
  userUid?: string;
}
export const listAudit = (limit: number, offset: number, filter: AuditFilter) =>
  get<AuditEntry[]>('/audit', { limit, offset, ...filter });
