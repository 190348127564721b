// Typed calls for the endpoints the console uses.
import { del, get, patch, post, request } from './api';
import type { AuditEntry, Delivery, Identity, Me, NewApiKey, NewPermission, NewWebhook, Permission, Role, TotpSecret, User, Webhook, WebhookInput } from './types';

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

// VSPC's two-factor set-up: a secret first, then one call with a code for it (query only, no body).
export const newTotpSecret = () => get<TotpSecret>('/authentication/keys/totp-secret');
export const addTotp = (userUid: string, secretUrl: string, code: string) =>
  request<Identity>('POST', `${logins(userUid)}/totp`, { query: { secretUrl, code, description: 'Authenticator app', scopes: 'ui' } });

export interface AuditFilter {
  action?: string;
  userUid?: string;
}
export const listAudit = (limit: number, offset: number, filter: AuditFilter) =>
  get<AuditEntry[]>('/audit', { limit, offset, ...filter });

const webhook = (id: string) => `/webhooks/${seg(id)}`;
export const listWebhooks = () => get<Webhook[]>('/webhooks', { limit: 100 });
export const getWebhook = (id: string) => get<Webhook>(webhook(id));
export const createWebhook = (body: WebhookInput) => post<NewWebhook>('/webhooks', body);
/** Replaces the given properties with a JSON Patch. */
export const updateWebhook = (id: string, changes: Partial<WebhookInput>) =>
  patch<Webhook>(webhook(id), Object.entries(changes).map(([name, value]) => ({ op: 'replace', path: `/${name}`, value })));
export const deleteWebhook = (id: string) => del<boolean>(webhook(id));
export const listDeliveries = (id: string, limit: number, offset: number) => get<Delivery[]>(`${webhook(id)}/deliveries`, { limit, offset });
export const redeliver = (id: string, deliveryId: string) => post<Delivery>(`${webhook(id)}/deliveries/${seg(deliveryId)}/redeliver`);
