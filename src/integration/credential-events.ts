import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Principal } from '../access/principal.js';
import { isProviderRole } from '../access/roles.js';
import { ApiError } from '../common/api-error.js';
import { type CredentialChange, CredentialChanges, touchesPermissions } from '../identities/credential-changes/credential-changes.js';
import { PermissionCatalogue } from '../permissions/permission-catalogue.js';

export type EventKind = 'identity' | 'user' | 'company' | 'permission' | 'all';

/** One event as kept in the ring: ids with the company each belongs to, where known. */
interface EventRecord {
  id: number;
  kind: EventKind;
  ids: readonly (number | string)[];
  /** identity and user events: id → company. An id missing here has no known company. */
  owners?: Readonly<Record<string, string>>;
}

interface Stream {
  response: ServerResponse;
  caller: Principal;
  /** The caller's company for a tenant's service; null for the provider's, which sees every change. */
  tenant: string | null;
  callerKey: string;
}

/**
 * Bounds. A stream costs a socket and a little memory; a reconnecting SDK resumes from the ring,
 * which holds the last few minutes of a busy deployment's changes (each event a few ids).
 */
export const EVENT_LIMITS = { ring: 1_000, streams: 1_000, streamsPerCaller: 5, heartbeatMs: 15_000, bufferedBytes: 1 << 20 };
const MAX_EVENT_ID_LENGTH = 20;

function recordsOf(change: CredentialChange): Omit<EventRecord, 'id'>[] {
  if (change.kind === 'all') return [{ kind: 'all', ids: [] }];
  const records: Omit<EventRecord, 'id'>[] = [];
  if (change.identities.length) records.push({ kind: 'identity', ids: change.identities, owners: change.owners?.identities ?? {} });
  if (change.users.length) records.push({ kind: 'user', ids: change.users, owners: change.owners?.users ?? {} });
  if (change.companies.length) records.push({ kind: 'company', ids: change.companies });
  if (change.permissions?.length) records.push({ kind: 'permission', ids: change.permissions });
  return records;
}

/** What a stream may see of an event: its tenant's ids only; null when none. */
function viewFor(record: EventRecord, tenant: string | null): { kind: EventKind; ids?: readonly (number | string)[] } | null {
  if (record.kind === 'all') return { kind: 'all' };
  if (tenant === null || record.kind === 'permission') return { kind: record.kind, ids: record.ids };
  if (record.kind === 'company') {
    const ids = record.ids.filter((id) => id === tenant);
    return ids.length ? { kind: 'company', ids } : null;
  }
  const owners = record.owners ?? {};
  // An id whose company the change did not show may be this tenant's: drop everything, name nothing.
  if (record.ids.some((id) => owners[String(id)] === undefined)) return { kind: 'all' };
  const ids = record.ids.filter((id) => owners[String(id)] === tenant);
  return ids.length ? { kind: record.kind, ids } : null;
}

/** Whether the event concerns the stream's own credential: the stream then ends, to be re-authorised. */
function concernsCaller(record: EventRecord, caller: Principal): boolean {
  if (record.kind === 'identity') return caller.identityId !== null && record.ids.includes(caller.identityId);
  if (record.kind === 'user') return record.ids.includes(caller.userUid);
  if (record.kind === 'company') return record.ids.includes(caller.companyUid);
  return false;
}

const frame = (record: EventRecord, data: object): string => `id: ${record.id}\nevent: credential\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Server-Sent Events of credential changes for resource servers (GET /integration/events): every
 * fact of CredentialChanges, this instance's and those the relay brings from other instances, as
 * ids only, scoped to the caller's tenant. Event ids are one integer sequence per instance, begun
 * at its start time, so an id from another instance or an earlier run is never mistaken for one
 * of this ring's; `Last-Event-ID` resumes from the ring, else the stream starts with `all`.
 * Permission events wait for the catalogue to hold the change, so a resource server that evicts
 * and asks again gets the new answer.
 */
@Injectable()
export class CredentialEvents implements OnModuleDestroy {
  private readonly logger = new Logger('CredentialEvents');
  private readonly ring: EventRecord[] = [];
  /** The last id given; the first event is `base + 1`. */
  private lastId = Date.now() * 1000;
  private readonly base = this.lastId;
  private readonly streams = new Set<Stream>();
  private readonly perCaller = new Map<string, number>();
  private tail: Promise<void> = Promise.resolve();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    changes: CredentialChanges,
    private readonly catalogue: PermissionCatalogue,
  ) {
    changes.subscribe((change) => {
      // In order, each after the catalogue has loaded any permission change before it.
      this.tail = this.tail
        .then(() => (touchesPermissions(change) ? this.catalogue.settled() : undefined))
        .then(() => this.publish(change))
        .catch((error: unknown) => this.logger.warn(`credential event not sent: ${error instanceof Error ? error.message : String(error)}`));
    });
    this.heartbeat = setInterval(() => this.beat(), EVENT_LIMITS.heartbeatMs);
    this.heartbeat.unref();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /**
   * Refuses over the bounds (429, before anything is written), else takes over the response (`takeOver`
   * tells the framework it will not answer): the
   * replay after `lastEventId` when the ring still holds it, or `all`, then every change.
   */
  open(caller: Principal, lastEventId: unknown, response: ServerResponse, headers: Record<string, string | number | string[]>, takeOver: () => void): void {
    const callerKey = caller.identityId !== null ? `identity:${caller.identityId}` : `user:${caller.userUid}`;
    if (this.closed) throw new ApiError(503, 'The server is shutting down.', 'retryableLogical');
    if (this.streams.size >= EVENT_LIMITS.streams) throw ApiError.tooManyRequests('Too many event streams are open on this server.', 5);
    if ((this.perCaller.get(callerKey) ?? 0) >= EVENT_LIMITS.streamsPerCaller) {
      throw ApiError.tooManyRequests(`At most ${EVENT_LIMITS.streamsPerCaller} event streams per credential.`, 5);
    }
    takeOver();
    const stream: Stream = { response, caller, tenant: isProviderRole(caller.role) ? null : caller.companyUid, callerKey };
    this.streams.add(stream);
    this.perCaller.set(callerKey, (this.perCaller.get(callerKey) ?? 0) + 1);
    response.on('close', () => this.drop(stream));
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    const replay = this.replayAfter(lastEventId);
    if (replay) {
      response.write(': resumed\n\n');
      for (const record of replay) this.send(stream, record);
    } else {
      response.write(frame({ id: this.lastId, kind: 'all', ids: [] }, { kind: 'all' }));
    }
  }

  /** Streams end when the application closes, so `app.close()` does not wait on them. */
  onModuleDestroy(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const stream of [...this.streams]) stream.response.end();
  }

  /** The ring's events after `lastEventId`, or null when it cannot say what came after it. */
  private replayAfter(lastEventId: unknown): EventRecord[] | null {
    if (typeof lastEventId !== 'string' || lastEventId.length > MAX_EVENT_ID_LENGTH || !/^\d+$/.test(lastEventId)) return null;
    const after = Number(lastEventId);
    const oldest = this.ring.length ? this.ring[0].id : this.lastId + 1;
    if (after < this.base || after > this.lastId || after < oldest - 1) return null;
    return this.ring.filter((record) => record.id > after);
  }

  private publish(change: CredentialChange): void {
    for (const partial of recordsOf(change)) {
      const record: EventRecord = { ...partial, id: ++this.lastId };
      this.ring.push(record);
      if (this.ring.length > EVENT_LIMITS.ring) this.ring.shift();
      for (const stream of [...this.streams]) this.send(stream, record);
    }
  }

  private send(stream: Stream, record: EventRecord): void {
    const view = viewFor(record, stream.tenant);
    if (view) this.write(stream, frame(record, view));
    if (concernsCaller(record, stream.caller)) stream.response.end();
  }

  private beat(): void {
    for (const stream of [...this.streams]) this.write(stream, ': heartbeat\n\n');
  }

  /** A consumer that does not read is cut off rather than buffered without end. */
  private write(stream: Stream, text: string): void {
    if (stream.response.writableEnded) return;
    stream.response.write(text);
    if (stream.response.writableLength > EVENT_LIMITS.bufferedBytes) stream.response.destroy();
  }

  private drop(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    const left = (this.perCaller.get(stream.callerKey) ?? 1) - 1;
    if (left > 0) this.perCaller.set(stream.callerKey, left);
    else this.perCaller.delete(stream.callerKey);
  }
}
