import { Injectable } from '@nestjs/common';
import { PermissionCatalogue } from '../../permissions/permission-catalogue.js';
import { CredentialChanges, touchesPermissions } from './credential-changes.js';

/**
 * Keeps the permission catalogue in step with permission facts, this instance's and those relayed
 * from others (and with "everything changed"): each starts a load, and the load, once it finds a
 * role's permissions changed, has the verifier evict that role's keys. Listeners that must not act
 * before the catalogue has the change (the events stream) wait for `PermissionCatalogue.settled()`.
 */
@Injectable()
export class CatalogueFollower {
  constructor(changes: CredentialChanges, catalogue: PermissionCatalogue) {
    changes.subscribe((change) => {
      // A failed load is logged and retried by the catalogue.
      if (touchesPermissions(change)) catalogue.refresh().catch(() => undefined);
    });
  }
}
