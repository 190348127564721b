/** VSPC's `UserRole` names of Latchkey's six roles. */
export type Role =
  | 'PortalAdministrator'
  | 'PortalOperator'
  | 'PortalReadonlyOperator'
  | 'CompanyOwner'
  | 'CompanyAdministrator'
  | 'CompanyLocationUser';

export interface UserProfile {
  firstName: string | null;
  lastName: string | null;
  title: 'Unknown' | 'Mr' | 'Miss' | 'Mrs' | 'Ms';
  email: string | null;
  address: string | null;
  phone: string | null;
}

/** VSPC's `User`, plus Latchkey's `isService`, `companyName` and `creationDate`. */
export interface User {
  instanceUid: string;
  organizationUid: string;
  userName: string;
  status: 'Enabled' | 'Disabled';
  mfaPolicyStatus: 'Enabled' | 'Disabled';
  mfaPolicyConfigurationStatus: 'Configured' | 'NotConfigured';
  role: Role;
  profile: UserProfile;
  credentials: { userName: string; password: null };
  isService: boolean;
  companyName: string;
  creationDate: string;
}

/** `GET /users/me`: the user plus what the credential in use may do. */
export interface Me extends User {
  /** The credential's effective permissions (`resource:action`), sorted; only `*:read` for a read-only one. */
  permissions: string[];
  /** True for a read-only session or key: only GET requests are allowed. */
  readOnly: boolean;
}

export type Scope = 'rest' | 'integration' | 'ui';
export type IdentityStatus = 'enabled' | 'disabled' | 'disabledDueToUser' | 'disabledDueToCompany';

export interface Identity {
  id: number;
  userUid: string;
  userName: string;
  companyId: string;
  companyName: string;
  identityProviderName: 'VSPC' | 'AK' | 'TOTP' | string;
  description: string;
  isReadAccessOnly: boolean;
  scopes: Scope[];
  status: IdentityStatus;
  parameters: string;
  identifierInProvider: string;
  creationDate: string;
  permissions: string[];
  expirationDate: string;
  allowedIps: string[];
  pathPrefixes: string[];
  ownObjectsOnly: boolean;
  keyPrefix: string;
  lastUsedAt: string;
  lastUsedFrom: string;
}

export interface Permission {
  name: string;
  description: string;
  /** Latchkey's own (cannot be changed), or defined for an integrator's service. */
  builtIn: boolean;
  /** Roles holding the permission. */
  roles: Role[];
}

export interface NewPermission {
  name: string;
  description: string;
  roles: Role[];
}

export interface AuditEntry {
  id: number | string;
  at: string;
  action: string;
  outcome: string;
  actorUserUid: string;
  actorName: string;
  identityId: number | string | null;
  targetType: string;
  targetId: string;
  fromAddress: string;
  companyUid: string;
}

export interface PagingInfo {
  total: number;
  count: number;
  offset: number;
}

export interface Envelope<T> {
  data: T;
  meta?: { pagingInfo?: PagingInfo };
}

export interface NewApiKey {
  description: string;
  scopes: Scope[];
  isReadAccessOnly: boolean;
  permissions?: string[];
  pathPrefixes?: string[];
  ownObjectsOnly?: boolean;
  expirationDate?: string;
  allowedIps?: string[];
}

/** VSPC's TotpSecret: a new seed, stored nowhere until a code enables it. */
export interface TotpSecret {
  secret: string;
  secretUrl: string;
}

/** The events a webhook may hear (docs/webhooks.md). */
export const WEBHOOK_EVENTS = [
  'key.created',
  'key.updated',
  'key.rotated',
  'key.deleted',
  'key.expiring',
  'key.expired',
  'key.leaked',
  'user.disabled',
  'company.disabled',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string;
  enabled: boolean;
  /** The tenant it hears; null for a provider webhook, which hears every tenant. */
  companyUid: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A webhook as created: the only time its signing secret is shown. */
export interface NewWebhook extends Webhook {
  secret: string;
}

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  description: string;
  enabled: boolean;
}

export interface DeliveryAttempt {
  number: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string;
  succeeded: boolean;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: WebhookEvent;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  giveUpAt: string;
  createdAt: string;
  deliveredAt: string | null;
  attempts: DeliveryAttempt[];
}
