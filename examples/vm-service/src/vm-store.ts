import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { NewVm } from './vm-input.js';

export type VmStatus = 'ACTIVE' | 'SHUTOFF';

/** A machine as stored and as answered (snake_case, as SimpleVM's API names its fields). */
export interface Vm {
  id: number;
  project_id: number;
  vm_name: string;
  image_name: string;
  flavor_name: string;
  status: VmStatus;
  owner_uid: string;
  company_id: string;
  created_at: string;
}

/** Whose machines a request may see: its company's, narrowed to its user's for own-objects keys. */
export interface VmScope {
  companyId: string;
  /** Set for own-objects keys: only machines this user owns. */
  ownerUid: string | null;
}

const SCHEMA = `
  create table if not exists vms (
    id integer primary key autoincrement,
    project_id integer not null,
    vm_name text not null,
    image_name text not null,
    flavor_name text not null,
    status text not null,
    owner_uid text not null,
    company_id text not null,
    created_at text not null
  );
  create index if not exists vms_scope on vms (company_id, owner_uid, id);
`;

/** The machines table, on its own SQLite file; every read is scoped. */
export class VmStore {
  private readonly db: DatabaseSync;
  private readonly statements: Record<'listCompany' | 'listOwner' | 'getCompany' | 'getOwner' | 'insert' | 'setStatus', StatementSync>;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('pragma journal_mode = wal; pragma busy_timeout = 5000;');
    this.db.exec(SCHEMA);
    this.statements = {
      listCompany: this.db.prepare('select * from vms where company_id = ? order by id limit ? offset ?'),
      listOwner: this.db.prepare('select * from vms where company_id = ? and owner_uid = ? order by id limit ? offset ?'),
      getCompany: this.db.prepare('select * from vms where id = ? and company_id = ?'),
      getOwner: this.db.prepare('select * from vms where id = ? and company_id = ? and owner_uid = ?'),
      insert: this.db.prepare(
        'insert into vms (project_id, vm_name, image_name, flavor_name, status, owner_uid, company_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning *',
      ),
      setStatus: this.db.prepare('update vms set status = ? where id = ?'),
    };
  }

  list(scope: VmScope, limit: number, offset: number): Vm[] {
    const rows = scope.ownerUid === null
      ? this.statements.listCompany.all(scope.companyId, limit, offset)
      : this.statements.listOwner.all(scope.companyId, scope.ownerUid, limit, offset);
    return rows as unknown as Vm[];
  }

  /** The machine, if the scope may see it. */
  get(scope: VmScope, id: number): Vm | undefined {
    const row = scope.ownerUid === null ? this.statements.getCompany.get(id, scope.companyId) : this.statements.getOwner.get(id, scope.companyId, scope.ownerUid);
    return row as unknown as Vm | undefined;
  }

  insert(vm: NewVm, ownerUid: string, companyId: string): Vm {
    const row = this.statements.insert.get(vm.projectId, vm.vmName, vm.imageName, vm.flavorName, 'ACTIVE', ownerUid, companyId, new Date().toISOString());
    return row as unknown as Vm;
  }

  setStatus(id: number, status: VmStatus): void {
    this.statements.setStatus.run(status, id);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
