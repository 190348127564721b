import { Injectable } from '@nestjs/common';
import type { Principal } from '../../access/principal.js';
import { LastUsedRecorder } from '../../identities/last-used.recorder.js';
import { AuthEvents } from '../auth-events.js';

/** Hands each allowed key request to the last-used recorder, which keeps it in memory (no I/O here). */
@Injectable()
export class KeyUseListener {
  constructor(
    events: AuthEvents,
    private readonly lastUsed: LastUsedRecorder,
  ) {
    events.on('key.used', (principal) => this.used(principal));
  }

  used(principal: Principal): void {
    this.lastUsed.record(principal);
  }
}
