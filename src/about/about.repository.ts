import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { Installation, INSTALLATION_KEY } from './installation.entity.js';

/** The installation table; reached through AboutService. */
@Injectable()
export class AboutRepository extends Repository {
  /** The row, created on first call; instances starting together agree on the first one written. */
  async ensure(): Promise<Installation> {
    await this.em.upsert(
      Installation,
      { key: INSTALLATION_KEY, installationId: randomUUID(), installationDate: new Date() },
      { onConflictFields: ['key'], onConflictAction: 'ignore' },
    );
    return this.em.findOneOrFail(Installation, { key: INSTALLATION_KEY }, { refresh: true });
  }

  find(): Promise<Installation | null> {
    return this.em.findOne(Installation, { key: INSTALLATION_KEY });
  }
}
