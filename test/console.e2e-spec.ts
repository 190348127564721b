import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, login, me, type Session, userInput } from './support/api.js';
import { chromiumAvailable, launchChromium, type Browser } from './support/browser.js';
import { testDialect } from './support/database.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { ROLE } from '../src/access/roles.js';

/**
 * The web console in Debian's Chromium against the real server on a fresh database: what a person
 * does with it, checked both on the page and by using the keys it hands out from outside the browser.
 * The suites share one signed-in page and run in order (the key created first is then disabled,
 * rotated and deleted).
 */

// Every run takes the screenshots (from the SQLite project only; both e2e projects run this file).
// They go to a temporary folder, or, with SCREENSHOTS=update, to the README's docs/screenshots/,
// so ordinary runs do not rewrite committed pictures with new keys and dates.
const SHOTS =
  process.env.SCREENSHOTS === 'update'
    ? fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
    : `${mkdtempSync(join(tmpdir(), 'latchkey-shots-'))}/`;
const TAKE_SHOTS = testDialect() === 'sqlite';

const AUDITOR = { username: 'auditor', password: 'auditor-password-1' };
const OPERATOR = { username: 'operator', password: 'operator-password-1' };
const COMPANY_USER = { username: 'acme-user', password: 'acme-password-1' };
// Signs in with a second factor set up in the console; a Portal Read-only Operator, since that needs no right.
const MFA_USER = { username: 'two-factor', password: 'two-factor-password-1' };
const ACME_KEY = 'Acme sync';
const KEY_NAME = 'Nightly report';
const KEY_FORMAT = /^lk_[0-9A-Za-z]{49}$/;

async function shot(page: Page, name: string): Promise<void> {
  if (!TAKE_SHOTS) return;
  // Fonts and layout settle; no caret or transitions in the picture.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
}

/** `curl -H "Authorization: Bearer <key>" …`, from the test process rather than the browser. */
async function callWithKey(t: TestApp, key: string, method = 'GET', path = '/users/me', body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${API}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.skipIf(!chromiumAvailable())('web console (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: Session;
  let adminUid: string;
  let acmeUserUid: string;
  let page: Page;
  let key = '';

  async function openConsole(): Promise<Page> {
    const p = await browser.context.newPage();
    // Anything the console logs as an error would be a bug worth seeing in the test output.
    p.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    await p.goto(`${t.url}/`);
    return p;
  }

  async function signIn(p: Page, user: { username: string; password: string }, options: { readOnly?: boolean } = {}): Promise<void> {
    await p.getByLabel('Username').fill(user.username);
    await p.getByLabel('Password').fill(user.password);
    if (options.readOnly) await p.getByLabel('Read-only session (view only)').check();
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'My profile', level: 1 }).waitFor();
  }

  const keyCard = (p: Page, name = KEY_NAME) => p.getByRole('article', { name });

  beforeAll(async () => {
    if (TAKE_SHOTS) mkdirSync(SHOTS, { recursive: true });
    t = await startApp();
    browser = await launchChromium();
    admin = await login(t);
    adminUid = (await me(t, admin.auth)).instanceUid;
    await createUser(t, admin.auth, userInput(AUDITOR.username, ROLE.PortalReadonlyOperator, { password: AUDITOR.password }));
    await createUser(t, admin.auth, userInput(OPERATOR.username, ROLE.PortalOperator, { password: OPERATOR.password }));
    await createUser(t, admin.auth, userInput(MFA_USER.username, ROLE.PortalReadonlyOperator, { password: MFA_USER.password }));
    const acme = await createCompany(t, admin.auth, 'Acme Ltd');
    acmeUserUid = await createUser(t, admin.auth, userInput(COMPANY_USER.username, ROLE.CompanyLocationUser, { password: COMPANY_USER.password, organizationUid: acme }));
    // Another user's key, for those who may look at it but not change it.
    await createKey(t, admin.auth, acmeUserUid, { description: ACME_KEY });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (process.env.SCREENSHOTS !== 'update') rmSync(SHOTS, { recursive: true, force: true });
  });

  it('shows a wrong password as an error in words and stays on the sign-in form', async () => {
    const p = await openConsole();
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(p, 'sign-in');
    await p.getByLabel('Username').fill(ADMIN.username);
    await p.getByLabel('Password').fill('not-the-password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    const alert = p.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe('The username or password is incorrect.');
    expect(await p.getByRole('heading', { name: 'My profile' }).count()).toBe(0);
    expect(await p.getByLabel('Password').inputValue()).toBe('not-the-password');
    await p.close();
  });

  it('signs in, creates a read-only key, copies it, and the key works from outside the browser', async () => {
    page = await openConsole();
    await signIn(page, ADMIN);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['My profile', 'Users', 'Permissions', 'Audit log', 'Webhooks']);
    await page.getByText('No API keys yet.').waitFor();

    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel('Description').fill(KEY_NAME);
    await page.getByLabel('Read-only (GET requests only)').check();
    await page.getByRole('checkbox', { name: /REST API/ }).isChecked();
    await page.getByRole('button', { name: 'Create key' }).click();

    const reveal = page.getByRole('region', { name: 'API key created' });
    await reveal.waitFor();
    key = await reveal.getByLabel('API key').inputValue();
    expect(key).toMatch(KEY_FORMAT);
    await shot(page, 'key-created');

    // Copy: the page is served from 127.0.0.1, a secure context, so the async clipboard is used.
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    await reveal.getByRole('button', { name: 'Copy key' }).click();
    await reveal.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(key);

    // Use the copied key as curl would: it reads, and it is read-only.
    const read = await callWithKey(t, copied);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.data.userName).toBe(ADMIN.username);
    const write = await callWithKey(t, copied, 'POST', `/users/${adminUid}/logins/apikey`, { description: 'from a read-only key', scopes: ['rest'] });
    expect(write.status, JSON.stringify(write.body)).toBe(403);

    // Shown once: after "I have saved the key" it is nowhere on the page.
    await reveal.getByRole('button', { name: 'I have saved the key' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(key);
    const card = keyCard(page);
    await card.waitFor();
    expect(await card.innerText()).toContain('Read-only');
    expect(await card.innerText()).toContain(key.slice(0, 11));
    await shot(page, 'profile');
  });

  it('disables the key, and the server refuses it; enabling it lets it in again', async () => {
    expect(key).toMatch(KEY_FORMAT);
    await page.getByRole('button', { name: `Disable ${KEY_NAME}` }).click();
    await page.getByText(`“${KEY_NAME}” is now disabled.`).waitFor();
    await keyCard(page).getByText('Disabled', { exact: true }).waitFor();

    const refused = await callWithKey(t, key);
    expect(refused.status, JSON.stringify(refused.body)).toBe(401);
    expect(refused.body.errors[0].message).not.toContain(key);

    await page.getByRole('button', { name: `Enable ${KEY_NAME}` }).click();
    await page.getByText(`“${KEY_NAME}” is now enabled.`).waitFor();
    await keyCard(page).getByText('Enabled', { exact: true }).waitFor();
    expect((await callWithKey(t, key)).status).toBe(200);
  });

  it('shows when and from where the key was last used', async () => {
    // The key was used above from this process; the server records it in batches within ~2 s.
    // Reload (the session survives it) until the card shows it, for at most 15 s.
    const lastUsed = async (): Promise<string> => {
      await page.reload();
      const card = keyCard(page);
      await card.waitFor();
      return card.innerText();
    };
    await expect.poll(lastUsed, { timeout: 15_000, interval: 1_000 }).toMatch(/Last used\s+\S.* from 127\.0\.0\.1/);
    const text = await keyCard(page).innerText();
    expect(text).not.toMatch(/Last used\s+Never/);
  });

  it('rotates the key without a grace period: the new key works and the old one is refused', async () => {
    await page.getByRole('button', { name: `Rotate ${KEY_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate API key' });
    await dialog.getByLabel('Grace period (seconds)').fill('0');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await dialog.waitFor({ state: 'detached' });

    const reveal = page.getByRole('region', { name: 'API key rotated — new key' });
    await reveal.waitFor();
    const rotated = await reveal.getByLabel('API key').inputValue();
    expect(rotated).toMatch(KEY_FORMAT);
    expect(rotated).not.toBe(key);

    expect((await callWithKey(t, key)).status).toBe(401);
    const fresh = await callWithKey(t, rotated);
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    key = rotated;

    await reveal.getByRole('button', { name: 'I have saved the key' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await keyCard(page).innerText()).toContain(key.slice(0, 11));
  });

  it('deletes the key after asking, and the server refuses it', async () => {
    await page.getByRole('button', { name: `Delete ${KEY_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete API key' });
    expect(await dialog.innerText()).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Delete key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`“${KEY_NAME}” was deleted.`).waitFor();
    await page.getByText('No API keys yet.').waitFor();
    expect(await keyCard(page).count()).toBe(0);

    expect((await callWithKey(t, key)).status).toBe(401);
  });

  it('defines permissions for its own service, grants them, and mints a key with one that the verify API accepts', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('heading', { name: 'Permissions', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Permissions' });
    await table.getByRole('cell', { name: /permissions:write/ }).waitFor();
    for (const [name, description, role] of [
      ['vm:read', 'List virtual machines', 'Portal Administrator'],
      ['vm:write', 'Create and stop virtual machines', 'Company Owner'],
    ]) {
      await page.getByRole('button', { name: 'New permission' }).click();
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Description').fill(description);
      await page.getByRole('checkbox', { name: role }).check();
      await page.getByRole('button', { name: 'Create permission' }).click();
      await table.getByRole('row', { name: new RegExp(name) }).waitFor();
    }
    await page.getByRole('button', { name: 'Edit vm:read' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit vm:read' });
    await dialog.getByRole('checkbox', { name: 'Company Owner' }).check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = table.getByRole('row', { name: /vm:read/ });
    await row.getByText('Portal Administrator, Company Owner').waitFor();
    expect(await row.innerText()).toContain('Custom');
    await shot(page, 'permissions');
    const server = (await t.http.get(`${API}/permissions`).set(admin.auth).expect(200)).body.data;
    expect(server.find((p: { name: string }) => p.name === 'vm:read')).toMatchObject({ builtIn: false, roles: ['PortalAdministrator', 'CompanyOwner'] });

    // The key form offers the custom permissions; one its creator does not hold cannot be chosen.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My profile' }).click();
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel('Description').fill('VM reader');
    const services = page.getByRole('group', { name: 'Your services permissions' });
    expect(await services.getByRole('checkbox', { name: /vm:write/ }).isDisabled()).toBe(true);
    await services.getByRole('checkbox', { name: /vm:read/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const reveal = page.getByRole('region', { name: 'API key created' });
    const vmKey = await reveal.getByLabel('API key').inputValue();
    await reveal.getByRole('button', { name: 'I have saved the key' }).click();
    await keyCard(page, 'VM reader').waitFor();
    const { key: serviceKey } = await createKey(t, admin.auth, adminUid, { description: 'console resource server', scopes: ['integration'] });
    const verified = await t.http.post(`${API}/integration/verify`).set('X-API-KEY', serviceKey).send({ key: vmKey, permissions: ['vm:read'], method: 'GET', path: '/api/vms/' });
    expect(verified.body.data).toMatchObject({ valid: true, permissions: ['vm:read'] });

    // Deleting a permission asks first; a key that held it no longer does.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('button', { name: 'Delete vm:write' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete permission' });
    await confirm.getByRole('button', { name: 'Delete permission' }).click();
    await confirm.waitFor({ state: 'detached' });
    await table.getByRole('row', { name: /vm:write/ }).waitFor({ state: 'detached' });
    expect((await t.http.get(`${API}/permissions/vm:write`).set(admin.auth)).status).toBe(404);
  });

  it('lists the users and opens one of them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('link', { name: AUDITOR.username }).waitFor();
    const text = await table.innerText();
    for (const login of [ADMIN.username, AUDITOR.username, COMPANY_USER.username]) expect(text).toContain(login);
    expect(text).toContain('Acme Ltd');
    await shot(page, 'users');

    await table.getByRole('link', { name: AUDITOR.username }).click();
    await page.getByRole('heading', { name: AUDITOR.username, level: 1 }).waitFor();
    await page.getByRole('heading', { name: `Identities of ${AUDITOR.username}` }).waitFor();
    await page.getByText('No API keys yet.').waitFor();
    expect(await page.getByRole('article', { name: 'Password' }).count()).toBe(1);
    await shot(page, 'user');
  });

  it('a read-only user sees their identities, but every change is disabled — as the server would refuse it', async () => {
    const p = await openConsole();
    await signIn(p, AUDITOR);
    await p.getByRole('heading', { name: 'My identities' }).waitFor();
    await p.getByRole('heading', { name: 'Sign-in identities' }).waitFor();
    const nav = p.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['My profile', 'Users', 'Permissions', 'Audit log']);
    expect(await p.getByRole('button', { name: 'New API key' }).isDisabled()).toBe(true);
    expect(await p.getByRole('note').innerText()).toMatch(/Portal Read-only Operator\) can look at identities but not create or change them/);
    for (const button of await p.getByRole('article').getByRole('button').all()) expect(await button.isDisabled()).toBe(true);
    // A second factor for oneself needs no right, so it is offered to every role.
    expect(await p.getByRole('button', { name: 'Set up authenticator app' }).isEnabled()).toBe(true);
    await shot(p, 'read-only-user');

    // The disabled button tells the truth: the role cannot create keys.
    const auditor = await login(t, AUDITOR.username, AUDITOR.password);
    const res = await t.http.post(`${API}/users/${(await me(t, auditor.auth)).instanceUid}/logins/apikey`).set(auditor.auth).send({ description: 'x', scopes: ['rest'] });
    expect(res.status, JSON.stringify(res.body)).toBe(403);

    // Other users and their keys: visible, not changeable.
    await expectReadOnlyUsers(p, 'Portal Read-only Operator');
    await p.close();
  });

  /** The Users page and another user's key, seen by a role that may look but not change them. */
  async function expectReadOnlyUsers(p: Page, roleName: string): Promise<void> {
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const table = p.getByRole('table', { name: 'Users' });
    await table.getByRole('link', { name: COMPANY_USER.username }).waitFor();
    expect(await p.getByRole('note').innerText()).toContain(`${roleName}) can look at other users and their identities but not change them`);
    await table.getByRole('link', { name: COMPANY_USER.username }).click();
    await p.getByRole('heading', { name: `Identities of ${COMPANY_USER.username}` }).waitFor();
    const card = keyCard(p, ACME_KEY);
    await card.waitFor();
    expect(await p.getByRole('note').innerText()).toContain('can look at this user’s identities but not change them');
    expect(await p.getByRole('button', { name: 'New API key' }).isDisabled()).toBe(true);
    const buttons = await p.getByRole('article').getByRole('button').all();
    expect(buttons.length).toBeGreaterThan(0);
    for (const button of buttons) expect(await button.isDisabled()).toBe(true);
  }

  it('a portal operator sees every user and their keys read-only, and still manages their own keys', async () => {
    // What the console shows matches what the server allows: reading another user's keys, not changing them.
    const operator = await login(t, OPERATOR.username, OPERATOR.password);
    const read = await t.http.get(`${API}/users/${acmeUserUid}/logins`).set(operator.auth);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    const acmeKey = read.body.data.find((i: { description: string }) => i.description === ACME_KEY);
    expect(acmeKey).toBeDefined();
    const write = await t.http.patch(`${API}/users/${acmeUserUid}/logins/${acmeKey.id}`).set(operator.auth).send([{ op: 'replace', path: '/status', value: 'disabled' }]);
    expect([403, 404], JSON.stringify(write.body)).toContain(write.status);

    const p = await openConsole();
    await signIn(p, OPERATOR);
    expect(await p.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['My profile', 'Users', 'Permissions', 'Audit log']);
    expect(await p.getByRole('button', { name: 'New API key' }).isEnabled()).toBe(true);
    expect(await p.getByRole('note').count()).toBe(0);
    await expectReadOnlyUsers(p, 'Portal Operator');
    await shot(p, 'operator-other-user');
    // Without permissions:write the permissions are listed, not offered for change.
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Permissions' }).click();
    await p.getByRole('table', { name: 'Permissions' }).getByRole('row', { name: /vm:read/ }).waitFor();
    expect(await p.getByRole('note').innerText()).toContain('permissions:write');
    expect(await p.getByRole('button', { name: 'New permission' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Edit vm:read' }).count()).toBe(0);
    await p.close();
  });

  it('sets up an authenticator app, then signing in asks for a code from it', async () => {
    const p = await openConsole();
    await signIn(p, MFA_USER);
    const totp = p.getByRole('region', { name: 'Two-factor sign-in' });
    await totp.getByRole('button', { name: 'Set up authenticator app' }).click();
    await totp.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = (await totp.getByLabel('Secret key').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await shot(p, 'two-factor-setup');

    await totp.getByLabel('6-digit code').fill(await generate({ secret }));
    await totp.getByRole('button', { name: 'Confirm code' }).click();
    await totp.getByText(/An authenticator app is required when you sign in/).waitFor();
    const card = p.getByRole('article', { name: 'Authenticator app' });
    await card.getByText('Enabled', { exact: true }).waitFor();
    // A Portal Read-only Operator cannot delete identities, so "Remove" is disabled, and the section says whom to ask.
    expect(await card.getByRole('button', { name: 'Remove Authenticator app' }).isDisabled()).toBe(true);
    expect(await totp.innerText()).toContain('ask an administrator');

    // The server now wants the second factor too.
    const grant = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: MFA_USER.username, password: MFA_USER.password });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    expect(Object.keys(grant.body)).toEqual(['mfa_token']);

    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByLabel('Username').fill(MFA_USER.username);
    await p.getByLabel('Password').fill(MFA_USER.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Two-factor code' }).waitFor();
    await shot(p, 'two-factor-sign-in');
    // The code that confirmed the app cannot be used again: take the next 30-second step's.
    await p.getByLabel('6-digit code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByRole('heading', { name: 'My profile', level: 1 }).waitFor();
    expect(await p.getByLabel('User details').innerText()).toContain(MFA_USER.username);
    await p.close();
  });

  it('a company user cannot see or manage other users', async () => {
    const p = await openConsole();
    await signIn(p, COMPANY_USER);
    const nav = p.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    // The role has no audit:read either.
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    // Own keys are still theirs to manage.
    expect(await p.getByRole('button', { name: 'New API key' }).isEnabled()).toBe(true);

    await p.goto(`${t.url}/#/users`);
    await p.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await p.getByRole('alert').innerText()).toMatch(/cannot see or manage other users/);
    expect(await p.getByRole('table').count()).toBe(0);
    await p.goto(`${t.url}/#/audit`);
    await p.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    expect(await p.getByRole('alert').innerText()).toMatch(/cannot read the audit log/);

    // Another user's page by address: the server does not show it, and the console says so.
    await p.goto(`${t.url}/#/users/${adminUid}`);
    await p.getByRole('alert').first().waitFor();
    expect(await p.getByRole('alert').first().innerText()).toMatch(/not found|may not see/i);
    expect(await p.getByRole('button', { name: 'New API key' }).isDisabled()).toBe(true);
    await p.close();
  });

  it('a read-only session of an administrator disables every change', async () => {
    const p = await openConsole();
    await signIn(p, ADMIN, { readOnly: true });
    await p.getByText('Read-only session', { exact: true }).waitFor();
    await p.getByRole('note').getByText(/read-only session/).waitFor();
    expect(await p.getByRole('button', { name: 'New API key' }).isDisabled()).toBe(true);
    // Even one's own second factor: the session may only read.
    expect(await p.getByRole('button', { name: 'Set up authenticator app' }).isDisabled()).toBe(true);
    // Looking at users is still allowed; changing them is not.
    const nav = p.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['My profile', 'Users', 'Permissions', 'Audit log', 'Webhooks']);
    await p.close();
  });

  it('shows the audit log of what was done, and filters it by action', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Audit entries' });
    // Whichever comes first: the entries, or the error the console shows in their place.
    await table.or(page.getByRole('alert')).first().waitFor();
    const alert = page.getByRole('alert');
    if (await alert.isVisible()) expect.fail(`the audit log shows an error: ${await alert.locator('span').first().innerText()}`);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const text = await table.innerText();
    expect(text).toContain(ADMIN.username);
    // Keys never reach the audit log.
    expect(await page.content()).not.toMatch(/lk_[0-9A-Za-z]{49}/);
    await shot(page, 'audit');

    const action = (await rows.first().locator('td').nth(1).innerText()).trim();
    await page.getByLabel('Action').fill(action);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(async () => (await rows.locator('td:nth-child(2)').allInnerTexts()).every((a) => a.trim() === action)).toBe(true);
    expect(await rows.count()).toBeGreaterThan(0);
  });
});
