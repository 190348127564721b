import { Installation } from './about/installation.entity.js';
import { AuditEntry } from './audit/audit-entry.entity.js';
import { RefreshToken } from './auth/refresh-token.entity.js';
import { Company } from './companies/company.entity.js';
import type { Entities } from './database/orm.config.js';
import { ServerSecret } from './database/server-secret.entity.js';
import { IdempotencyRecord } from './idempotency/idempotency-record.entity.js';
import { ApiKeySecret } from './identities/api-key-secret.entity.js';
import { CredentialChangeLogEntry } from './identities/credential-changes/change-log-entry.entity.js';
import { Identity } from './identities/identity.entity.js';
import { CustomPermission } from './permissions/custom-permission.entity.js';
import { User } from './users/user.entity.js';
import { DeliveryAttempt } from './webhooks/delivery/delivery-attempt.entity.js';
import { WebhookDelivery } from './webhooks/delivery/webhook-delivery.entity.js';
import { WebhookEvent } from './webhooks/events/webhook-event.entity.js';
import { ExpiryCursor } from './webhooks/expiry/expiry-cursor.entity.js';
import { Webhook } from './webhooks/webhook.entity.js';

/**
 * Every table, each owned by one module: the schema the app, the migration scripts and the tests
 * give the ORM. Listed here, at the root that composes the modules, so that database/ stays below them.
 */
export const ENTITIES: Entities = [
  Company,
  User,
  Identity,
  ApiKeySecret,
  RefreshToken,
  ServerSecret,
  AuditEntry,
  Installation,
  IdempotencyRecord,
  Webhook,
  WebhookEvent,
  WebhookDelivery,
  DeliveryAttempt,
  ExpiryCursor,
  CredentialChangeLogEntry,
  CustomPermission,
];
