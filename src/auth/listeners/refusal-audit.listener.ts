import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { AuthEvents, type Refusal } from '../auth-events.js';

/**
 * Audits every refusal off the request path (AuditService folds repeats into one entry with a
 * count). The entry names the credential, never its value.
 */
@Injectable()
export class RefusalAuditListener {
  constructor(
    events: AuthEvents,
    private readonly audit: AuditService,
  ) {
    events.on('auth.refused', (refusal) => this.refused(refusal));
  }

  refused({ status, reason, principal, address, method, url }: Refusal): void {
    this.audit.defer({
      action: status === 401 ? 'auth.failed' : 'auth.denied',
      outcome: 'failure',
      actor: principal,
      companyUid: principal?.companyUid ?? null,
      fromAddress: address,
      details: { reason: principal ? reason : 'no valid credential', method, path: url.split('?')[0].slice(0, 256) },
    });
  }
}
