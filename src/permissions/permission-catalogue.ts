import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RolePermissions } from '../access/role-permissions.js';
import { roleNamed, type Role } from '../access/roles.js';
import { PermissionsRepository } from './permissions.repository.js';

type Listener = (roles: readonly Role[]) => void;
const RETRY_MS = 1_000;

/**
 * Each role's permissions, built-in and custom, in memory: principals are built from it without a
 * query. Loaded at start and again whenever a permission fact arrives (this instance's writes and
 * other instances', see CatalogueFollower); a load that changes roles tells its listeners which,
 * so caches of principals evict exactly those roles' entries.
 */
@Injectable()
export class PermissionCatalogue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PermissionCatalogue');
  private current = RolePermissions.BUILT_IN;
  private readonly listeners: Listener[] = [];
  private loading: Promise<void> | null = null;
  /** A refresh was asked for while a load ran; that load may predate the change, so load again. */
  private again: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly permissions: PermissionsRepository) {}

  /** The current role permissions; replaced, never mutated, by a load. */
  get roles(): RolePermissions {
    return this.current;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** The first load must succeed: an instance that cannot read its grants does not start. */
  async onModuleInit(): Promise<void> {
    await this.refresh();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
  }

  /**
   * Loads the catalogue anew; resolves once a load that started after this call has finished, and
   * rejects when that load failed (a failed load is retried every second until one succeeds).
   */
  refresh(): Promise<void> {
    if (!this.loading) return (this.loading = this.load());
    this.again ??= this.loading
      .catch(() => undefined)
      .then(() => {
        this.again = null;
        return (this.loading = this.load());
      });
    return this.again;
  }

  /** Resolves when no load is pending: the catalogue reflects every refresh asked for so far. */
  async settled(): Promise<void> {
    while (this.loading || this.again) await (this.again ?? this.loading)?.catch(() => undefined);
  }

  private async load(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    try {
      const rows = await this.permissions.loadAll();
      const grants = rows.map((row) => ({
        name: row.name,
        // A role this version does not know (renamed, say) grants nothing.
        roles: row.roles.map(roleNamed).filter((role): role is Role => role !== undefined),
      }));
      const previous = this.current;
      this.current = RolePermissions.from(grants);
      const changed = this.current.changedSince(previous);
      if (changed.length) for (const listener of this.listeners) listener(changed);
    } catch (error) {
      // The last catalogue stays until a load succeeds: a grant removed elsewhere must not linger.
      this.logger.warn(`could not load custom permissions (retrying): ${error instanceof Error ? error.message : String(error)}`);
      if (!this.closed && !this.retry) {
        this.retry = setTimeout(() => void this.refresh().catch(() => undefined), RETRY_MS);
        this.retry.unref();
      }
      throw error;
    } finally {
      if (!this.again) this.loading = null;
    }
  }
}
