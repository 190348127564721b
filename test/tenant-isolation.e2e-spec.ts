import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, login, me, userInput } from './support/api.js';
import { stateFingerprint } from './support/database-text.js';
import { startApp, type TestApp } from './support/harness.js';
import { SecretLedger } from './support/secrets.js';
import { ROLE, type Role } from '../src/access/roles.js';

/**
 * Tenant isolation (BOLA) and mass assignment. Two companies with every tenant role; each caller
 * tries every route that takes an id with every object it may not see — the other company's, and
 * for a companyUser its own colleagues' — and always gets 403/404 and none of the object's data.
 * Then every attempt to write a field the caller may not set is refused. Nothing changes.
 */
const TENANT_ROLES = [ROLE.CompanyOwner, ROLE.CompanyAdministrator, ROLE.CompanyLocationUser] as const;
type TenantRole = (typeof TENANT_ROLES)[number];

interface Member {
  role: TenantRole | 'service';
  login: string;
  uid: string;
  /** The member's own API key, used as its credential. */
  key: string;
  auth: Record<string, string>;
  identityIds: number[];
  keyPrefix: string;
}

interface Tenant {
  name: string;
  uid: string;
  members: Member[];
}

describe('tenant isolation and mass assignment', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let providerUid: string;
  let adminUid: string;
  const tenants: Tenant[] = [];
  const ledger = new SecretLedger();
  let before: string;
  let attempts = 0;

  async function setUp(name: string): Promise<Tenant> {
    const uid = await createCompany(t, admin, name);
    const members: Member[] = [];
    for (const role of [...TENANT_ROLES, 'service'] as const) {
      const login = `${name.toLowerCase().replace(/\W/g, '-')}-${role}`;
      const password = `pw-${role}-${Math.random().toString(36).slice(2)}`;
      ledger.add('password', password);
      const userUid = await createUser(t, admin, userInput(login, role === 'service' ? ROLE.CompanyLocationUser : role, { organizationUid: uid, ...(role === 'service' ? { isService: true, password: undefined } : { password }) }));
      const key = await createKey(t, admin, userUid, { description: `${role} key`, scopes: ['rest'] });
      ledger.add('apiKey', key.key);
      const logins = await t.http.get(`${API}/users/${userUid}/logins`).set(admin).expect(200);
      members.push({
        role,
        login,
        uid: userUid,
        key: key.key,
        auth: { Authorization: `Bearer ${key.key}` },
        identityIds: logins.body.data.map((identity: { id: number }) => identity.id),
        keyPrefix: key.key.slice(0, 11),
      });
    }
    return { name, uid, members };
  }

  /** Strings that would show the tenant's data leaked into an answer. */
  function markers(tenant: Tenant): string[] {
    return [tenant.uid, tenant.name, ...tenant.members.flatMap((m) => [m.uid, m.login, m.keyPrefix])];
  }

  function expectRefused(res: { status: number; text: string }, hidden: string[], what: string): void {
    attempts++;
    expect([403, 404], `${what} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
    for (const marker of hidden) expect(res.text.includes(marker), `${what} leaked ${marker}`).toBe(false);
  }

  /** Every route that takes a user uid, an identity id or a company uid, aimed at objects of `victim`. */
  async function attackAll(caller: Member, callerTenant: Tenant, victimUsers: Member[], victimCompany: string | null, hidden: string[], listHidden = hidden) {
    const as = (what: string) => `${caller.login} ${what}`;
    for (const victim of victimUsers) {
      const user = `${API}/users/${victim.uid}`;
      expectRefused(await t.http.get(user).set(caller.auth), hidden, as(`GET ${victim.login}`));
      expectRefused(await t.http.patch(user).set(caller.auth).send([{ op: 'replace', path: '/profile/firstName', value: 'owned' }]), hidden, as(`PATCH ${victim.login}`));
      expectRefused(await t.http.delete(user).set(caller.auth), hidden, as(`DELETE ${victim.login}`));
      expectRefused(await t.http.delete(`${user}/tokens`).set(caller.auth), hidden, as(`DELETE tokens of ${victim.login}`));
      expectRefused(await t.http.get(`${user}/logins`).set(caller.auth), hidden, as(`GET logins of ${victim.login}`));
      expectRefused(
        await t.http.post(`${user}/logins/apikey`).set(caller.auth).send({ description: 'planted', scopes: ['rest'] }),
        hidden,
        as(`POST key for ${victim.login}`),
      );
      expectRefused(await t.http.delete(`${API}/apikeys`).set(caller.auth).send({ key: victim.key }), hidden, as(`DELETE key of ${victim.login} by value`));
      for (const id of victim.identityIds) {
        // Both the victim's own path and the caller's own uid with the victim's identity id.
        for (const owner of [victim.uid, caller.uid]) {
          const path = `${API}/users/${owner}/logins/${id}`;
          expectRefused(await t.http.get(path).set(caller.auth), hidden, as(`GET ${path}`));
          expectRefused(await t.http.patch(path).set(caller.auth).send([{ op: 'replace', path: '/status', value: 'disabled' }]), hidden, as(`PATCH ${path}`));
          expectRefused(await t.http.post(`${path}/rotate`).set(caller.auth).send({}), hidden, as(`rotate ${path}`));
          expectRefused(await t.http.delete(path).set(caller.auth), hidden, as(`DELETE ${path}`));
        }
      }
    }
    if (victimCompany) {
      const company = `${API}/organizations/companies/${victimCompany}`;
      expectRefused(await t.http.get(company).set(caller.auth), hidden, as('GET other company'));
      expectRefused(await t.http.patch(company).set(caller.auth).send([{ op: 'replace', path: '/status', value: 'disabled' }]), hidden, as('PATCH other company'));
      expectRefused(await t.http.delete(company).set(caller.auth), hidden, as('DELETE other company'));
      expectRefused(
        await t.http.post(`${API}/users`).set(caller.auth).send(userInput(`${caller.login}-planted`, ROLE.CompanyLocationUser, { organizationUid: victimCompany })),
        hidden,
        as('POST user into other company'),
      );
    }
    // Lists and filters answer, but only with the caller's own tenant.
    for (const path of ['/users', '/users/logins', '/organizations/companies', '/audit', ...victimUsers.map((v) => `/audit?userUid=${v.uid}`)]) {
      const res = await t.http.get(`${API}${path}`).set(caller.auth);
      attempts++;
      expect([200, 403], `${caller.login} GET ${path} → ${res.status}`).toContain(res.status);
      // A refusal's audit entry keeps the path the caller's own colleague typed, ids of others included; that is theirs to see.
      const shown = path.startsWith('/audit') && res.status === 200
        ? JSON.stringify(res.body.data.map((entry: { details?: Record<string, unknown> }) => ({ ...entry, details: { ...entry.details, path: undefined } })))
        : res.text;
      for (const marker of listHidden) expect(shown.includes(marker), `${caller.login} GET ${path} leaked ${marker}`).toBe(false);
      if (res.status === 200 && path !== '/organizations/companies') {
        for (const item of res.body.data as Record<string, unknown>[]) {
          const company = item.organizationUid ?? item.companyId ?? item.companyUid;
          if (company !== undefined) expect(company, `${caller.login} GET ${path}`).toBe(callerTenant.uid);
        }
      }
    }
  }

  beforeAll(async () => {
    t = await startApp();
    const session = await login(t);
    admin = session.auth;
    ledger.add('password', 'admin-password-1');
    ledger.add('refreshToken', session.refreshToken);
    const self = await me(t, admin);
    adminUid = self.instanceUid;
    providerUid = self.organizationUid;
    tenants.push(await setUp('Acme'), await setUp('Globex'));
    // Activity in both tenants, so the audit log has something to leak.
    for (const tenant of tenants) for (const m of tenant.members) await t.http.get(`${API}/users/me`).set(m.auth).expect(200);
    before = await stateFingerprint(t.db);
  }, 120_000);

  afterAll(async () => {
    console.info(`tenant isolation: ${attempts} refused or filtered requests`);
    await t?.close();
  });

  for (const [index, name] of [[0, 'Acme'], [1, 'Globex']] as const) {
    it(`every member of ${name} is refused every object of the other company and of the provider`, async () => {
      const own = tenants[index];
      const other = tenants[1 - index];
      const providerUsers = [{ uid: adminUid, login: 'admin', key: 'lk_' + 'A'.repeat(49), identityIds: [1], keyPrefix: 'lk_AAAAAAAA', role: ROLE.CompanyOwner, auth: {} } as Member];
      for (const caller of own.members) {
        await attackAll(caller, own, other.members, other.uid, markers(other));
        // The provider's administrator created this tenant's users, so its own audit entries name it as actor.
        await attackAll(caller, own, providerUsers, providerUid, [adminUid], []);
      }
    }, 120_000);
  }

  it('a companyUser (and its service sibling) is refused its colleagues', async () => {
    for (const tenant of tenants) {
      for (const caller of tenant.members.filter((m) => m.role === ROLE.CompanyLocationUser || m.role === 'service')) {
        const colleagues = tenant.members.filter((m) => m !== caller);
        const hidden = colleagues.flatMap((m) => [m.uid, m.keyPrefix]);
        await attackAll(caller, tenant, colleagues, null, hidden);
      }
    }
  }, 120_000);

  it('refuses mass assignment of role, company, owner, status and read-only fields', async () => {
    const [acme, globex] = tenants;
    const by = (tenant: Tenant, role: Member['role']) => tenant.members.find((m) => m.role === role) as Member;
    const owner = by(acme, ROLE.CompanyOwner);
    const administrator = by(acme, ROLE.CompanyAdministrator);
    const user = by(acme, ROLE.CompanyLocationUser);
    const refused = (res: { status: number; text: string }, statuses: number[], what: string) => {
      attempts++;
      expect(statuses, `${what} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
    };
    const base = (userName: string, role: Role = ROLE.CompanyLocationUser, organizationUid?: string) => userInput(userName, role, { organizationUid });

    // Creating users: roles above the creator, another company, and fields the server owns.
    refused(await t.http.post(`${API}/users`).set(administrator.auth).send(base('ma-1', ROLE.CompanyOwner)), [403], 'admin creates owner');
    refused(await t.http.post(`${API}/users`).set(owner.auth).send(base('ma-2', ROLE.PortalAdministrator)), [403], 'owner creates portal admin');
    refused(await t.http.post(`${API}/users`).set(owner.auth).send(base('ma-3', ROLE.CompanyLocationUser, providerUid)), [403, 404], 'owner creates provider user');
    for (const extra of [{ companyId: globex.uid }, { instanceUid: crypto.randomUUID() }, { status: 'Disabled' }, { createdBy: adminUid }, { userUid: adminUid }, { companyUid: globex.uid }, { userName: 'ma-4b' }, { mfaPolicyStatus: 'Enabled' }]) {
      refused(await t.http.post(`${API}/users`).set(owner.auth).send({ ...base('ma-4'), ...extra }), [400], `POST user with ${Object.keys(extra)[0]}`);
    }
    for (const profile of [{ status: 'Enabled' }, { organizationUid: globex.uid }]) {
      refused(await t.http.post(`${API}/users`).set(owner.auth).send({ ...base('ma-4'), profile }), [400], `POST user with profile.${Object.keys(profile)[0]}`);
    }
    refused(await t.http.post(`${API}/users`).set(user.auth).send(base('ma-5')), [403], 'companyUser creates user');

    // Patching users: own role and status, roles above the caller, and read-only fields.
    refused(await t.http.patch(`${API}/users/${owner.uid}`).set(owner.auth).send([{ op: 'replace', path: '/role', value: ROLE.PortalAdministrator }]), [403], 'owner promotes self');
    refused(await t.http.patch(`${API}/users/${administrator.uid}`).set(administrator.auth).send([{ op: 'replace', path: '/role', value: ROLE.CompanyOwner }]), [403], 'admin promotes self');
    refused(await t.http.patch(`${API}/users/${administrator.uid}`).set(administrator.auth).send([{ op: 'replace', path: '/status', value: 'Disabled' }]), [400], 'admin disables self');
    refused(await t.http.patch(`${API}/users/${user.uid}`).set(administrator.auth).send([{ op: 'replace', path: '/role', value: ROLE.CompanyOwner }]), [403], 'admin makes an owner');
    // An administrator may not take over the owner it could not have created.
    refused(await t.http.patch(`${API}/users/${owner.uid}`).set(administrator.auth).send([{ op: 'replace', path: '/status', value: 'Disabled' }]), [403], 'admin disables owner');
    refused(await t.http.patch(`${API}/users/${owner.uid}`).set(administrator.auth).send([{ op: 'replace', path: '/credentials/password', value: 'taken-over-1' }]), [403], 'admin resets owner password');
    refused(await t.http.post(`${API}/users/${owner.uid}/logins/apikey`).set(administrator.auth).send({ description: 'x', scopes: ['rest'] }), [403], 'admin mints owner key');
    refused(await t.http.delete(`${API}/users/${owner.uid}/logins/${owner.identityIds.at(-1)}`).set(administrator.auth), [403, 404], 'admin deletes owner key');
    refused(await t.http.delete(`${API}/users/${owner.uid}`).set(administrator.auth), [403], 'admin deletes owner');
    refused(await t.http.delete(`${API}/users/${owner.uid}/tokens`).set(administrator.auth), [403], 'admin ends owner sessions');
    refused(await t.http.patch(`${API}/users/${user.uid}`).set(user.auth).send([{ op: 'replace', path: '/role', value: ROLE.CompanyAdministrator }]), [403], 'user promotes self');
    for (const path of ['/organizationUid', '/instanceUid', '/userName', '/credentials/userName', '/mfaPolicyStatus', '/mfaPolicyConfigurationStatus', '/isService', '/companyName', '/creationDate', '/companyId', '/userUid', '/profile/status']) {
      refused(await t.http.patch(`${API}/users/${user.uid}`).set(owner.auth).send([{ op: 'replace', path, value: globex.uid }]), [400], `PATCH user ${path}`);
    }
    refused(await t.http.patch(`${API}/users/${user.uid}`).set(owner.auth).send([{ op: 'copy', from: '/profile/firstName', path: '/organizationUid' }]), [400], 'copy into organizationUid');

    // Identities: ownership, provider, secrets and derived fields are read-only; status only enabled/disabled.
    const keyId = user.identityIds.at(-1) as number;
    const identity = `${API}/users/${user.uid}/logins/${keyId}`;
    for (const [path, value] of [
      ['/userUid', owner.uid], ['/companyId', globex.uid], ['/id', 1], ['/identityProviderName', 'VSPC'], ['/keyPrefix', 'lk_00000000'],
      ['/parameters', 'lk_x'], ['/creationDate', '2000-01-01T00:00:00Z'], ['/userName', 'admin'], ['/companyName', 'Globex'], ['/lastUsedAt', ''],
      ['/status', 'disabledDueToUser'], ['/status', 'disabledDueToCompany'], ['/status', 'deleted'], ['/createdBy', adminUid],
    ] as const) {
      refused(await t.http.patch(identity).set(owner.auth).send([{ op: 'replace', path, value }]), [400], `PATCH identity ${path}=${value}`);
    }
    refused(await t.http.patch(identity).set(owner.auth).send([{ op: 'move', from: '/description', path: '/userUid' }]), [400], 'move into userUid');
    // A key cannot be minted or widened past its creator.
    refused(await t.http.patch(identity).set(user.auth).send([{ op: 'replace', path: '/permissions', value: ['users:write'] }]), [400, 403], 'user widens own key');
    refused(await t.http.post(`${API}/users/${user.uid}/logins/apikey`).set(user.auth).send({ description: 'x', scopes: ['rest'], permissions: ['users:write'] }), [400, 403], 'user mints users:write');
    for (const extra of [{ userUid: owner.uid }, { companyId: globex.uid }, { status: 'disabled' }, { createdBy: adminUid }, { id: 1 }, { keyPrefix: 'lk_x' }, { identityProviderName: 'VSPC' }]) {
      refused(await t.http.post(`${API}/users/${user.uid}/logins/apikey`).set(owner.auth).send({ description: 'x', scopes: ['rest'], ...extra }), [400], `POST key with ${Object.keys(extra)[0]}`);
    }
    refused(await t.http.post(`${API}/users/${user.uid}/logins/apikey?userUid=${owner.uid}&description=x&scopes=rest`).set(owner.auth), [400], 'POST key with userUid in query');

    // Companies: tenants cannot create or change them; nobody sets the provider flag or the id.
    refused(await t.http.post(`${API}/organizations/companies`).set(owner.auth).send({ name: 'Tenant made' }), [403], 'tenant creates company');
    refused(await t.http.patch(`${API}/organizations/companies/${acme.uid}`).set(owner.auth).send([{ op: 'replace', path: '/status', value: 'Disabled' }]), [403], 'tenant disables own company');
    refused(await t.http.post(`${API}/organizations/companies`).set(admin).send({ name: 'Fake provider', isProvider: true }), [400], 'POST company isProvider');
    refused(await t.http.post(`${API}/organizations/companies`).set(admin).send({ name: 'Fixed id', instanceUid: crypto.randomUUID() }), [400], 'POST company instanceUid');
    refused(await t.http.patch(`${API}/organizations/companies/${acme.uid}`).set(admin).send([{ op: 'replace', path: '/isProvider', value: true }]), [400], 'PATCH company isProvider');
    refused(await t.http.patch(`${API}/organizations/companies/${acme.uid}`).set(admin).send([{ op: 'replace', path: '/instanceUid', value: providerUid }]), [400], 'PATCH company instanceUid');
  });

  it('left every user, company, identity and key exactly as it was, and leaked no secret', async () => {
    expect(await stateFingerprint(t.db)).toBe(before);
    for (const tenant of tenants) {
      for (const m of tenant.members) await t.http.get(`${API}/users/me`).set(m.auth).expect(200);
    }
    expect(await ledger.leaks(t)).toEqual([]);
  });
});
