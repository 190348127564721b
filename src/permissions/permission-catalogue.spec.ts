import { describe, expect, it } from 'vitest';
import type { CustomPermission } from './custom-permission.entity.js';
import { PermissionCatalogue } from './permission-catalogue.js';
import type { PermissionsRepository } from './permissions.repository.js';

/** A repository whose loads the test finishes by hand, one at a time, with the rows it gives. */
class ControlledRows {
  rows: Pick<CustomPermission, 'name' | 'roles'>[] = [];
  readonly pending: { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }[] = [];
  loadAll = () => new Promise<unknown[]>((resolve, reject) => this.pending.push({ resolve, reject }));
  finish(): void {
    this.pending.shift()!.resolve(this.rows.map((row) => ({ ...row })));
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PermissionCatalogue', () => {
  const setUp = () => {
    const rows = new ControlledRows();
    const catalogue = new PermissionCatalogue(rows as unknown as PermissionsRepository);
    const changes: string[][] = [];
    catalogue.onChange((roles) => changes.push([...roles]));
    return { rows, catalogue, changes };
  };

  it('loads the grants, with role names in any case, and tells which roles changed', async () => {
    const { rows, catalogue, changes } = setUp();
    rows.rows = [{ name: 'vm:read', roles: ['CompanyOwner', 'nobody'] }];
    const loaded = catalogue.refresh();
    rows.finish();
    await loaded;
    expect(catalogue.roles.of('CompanyOwner').has('vm:read')).toBe(true);
    expect(changes).toEqual([['CompanyOwner']]);
  });

  it('loads again after a load that may predate the change it was asked for, once for any number of asks', async () => {
    const { rows, catalogue } = setUp();
    const first = catalogue.refresh();
    rows.rows = [{ name: 'vm:write', roles: ['CompanyLocationUser'] }];
    const second = catalogue.refresh();
    const third = catalogue.refresh();
    rows.finish();
    await first;
    // The first load's rows were read before the change: not enough for the later asks.
    let settled = false;
    void catalogue.settled().then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    expect(rows.pending).toHaveLength(1);
    rows.finish();
    await Promise.all([second, third]);
    await tick();
    expect(settled).toBe(true);
    expect(catalogue.roles.of('CompanyLocationUser').has('vm:write')).toBe(true);
  });

  it('keeps the last catalogue when a load fails, and the failure reaches the one who asked', async () => {
    const { rows, catalogue } = setUp();
    rows.rows = [{ name: 'vm:read', roles: ['CompanyOwner'] }];
    const ok = catalogue.refresh();
    rows.finish();
    await ok;
    const failed = catalogue.refresh();
    rows.pending.shift()!.reject(new Error('database away'));
    await expect(failed).rejects.toThrow('database away');
    expect(catalogue.roles.of('CompanyOwner').has('vm:read')).toBe(true);
    catalogue.onApplicationShutdown();
  });
});
