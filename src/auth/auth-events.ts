import { Injectable } from '@nestjs/common';
import type { Denial, Principal } from '../access/principal.js';

/** A request the guard refused, with the principal when a credential resolved to one. */
export interface Refusal extends Denial {
  principal: Principal | null;
  address: string;
  method: string;
  url: string;
}

/**
 * What the guard tells its listeners. `key.used` fires on every request an API key is allowed,
 * so its listeners must be synchronous and cheap; an `auth.refused` listener may return a promise,
 * which the guard awaits before it answers (the failed-authentication count must land first).
 */
interface AuthEventMap {
  'auth.refused': (refusal: Refusal) => void | Promise<void>;
  'key.used': (principal: Principal) => void;
}

@Injectable()
export class AuthEvents {
  private readonly listeners: { [E in keyof AuthEventMap]: AuthEventMap[E][] } = { 'auth.refused': [], 'key.used': [] };

  on<E extends keyof AuthEventMap>(event: E, listener: AuthEventMap[E]): void {
    this.listeners[event].push(listener);
  }

  keyUsed(principal: Principal): void {
    for (const listener of this.listeners['key.used']) listener(principal);
  }

  /** Calls every listener now; resolves once the asynchronous ones have finished. */
  async refused(refusal: Refusal): Promise<void> {
    await Promise.all(this.listeners['auth.refused'].map((listener) => listener(refusal)));
  }
}
