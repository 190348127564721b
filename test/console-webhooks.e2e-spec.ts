import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, login, me } from './support/api.js';
import { chromiumAvailable, launchChromium, type Browser } from './support/browser.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { documentedVerifier, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * The console's Webhooks page in Chromium against the real server and a loopback receiver: a
 * webhook added there shows its signing secret once (and that secret verifies the deliveries), a
 * failed delivery is listed with its attempts and sent again with the Redeliver button, the webhook
 * is edited and deleted.
 */
describe.skipIf(!chromiumAvailable())('console: webhooks (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    // Deliveries give up after a second, so a failed one is quickly there to redeliver.
    t = await startApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_WINDOW_SECONDS: '1' });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    await page.goto(`${t.url}/`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My profile', level: 1 }).waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  it('adds a webhook and shows its signing secret once', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const form = page.getByRole('form', { name: 'Webhook' });
    await form.getByLabel('URL').fill(receiver.url);
    await form.getByLabel(/Key created/).check();
    await form.getByLabel('Description (optional)').fill('Browser hook');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const secretField = page.getByLabel('Signing secret');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'I have saved the signing secret' }).click();
    await page.getByRole('link', { name: receiver.url }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('link', { name: receiver.url }).waitFor();
    expect(await page.content()).not.toContain(secret);

    // The secret the page showed is the one deliveries are signed with.
    const admin = await login(t);
    await createKey(t, admin.auth, (await me(t, admin.auth)).instanceUid, { description: 'first delivery' });
    await receiver.waitFor((r) => r.accepted.length === 1, 'the first delivery');
    const verify = await documentedVerifier();
    expect(verify(secret, receiver.accepted[0].headers, receiver.accepted[0].body)).toBe(true);
  });

  it('lists a failed delivery with its attempts and sends it again with Redeliver', async () => {
    receiver.answer = () => 503;
    const admin = await login(t);
    await createKey(t, admin.auth, (await me(t, admin.auth)).instanceUid, { description: 'redelivered from the console' });
    // Retries stop after the one-second window: the delivery is failed.
    const [hook] = (await t.http.get(`${API}/webhooks`).set(admin.auth).expect(200)).body.data;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = (await t.http.get(`${API}/webhooks/${hook.id}/deliveries`).set(admin.auth).expect(200)).body.data;
      if (rows[0]?.status === 'failed') break;
      if (Date.now() > deadline) throw new Error(`no failed delivery: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const refused = receiver.received.length;
    await page.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: 'Webhook', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: /Delivery key\.created/ }).filter({ hasText: 'failed' }).first();
    await row.waitFor();
    await expect(row.getByText('HTTP 503').first().isVisible()).resolves.toBe(true);

    receiver.answer = () => 200;
    await row.getByRole('button', { name: /Redeliver/ }).click();
    await page.getByText('queued again').waitFor();
    await receiver.waitFor((r) => r.received.length > refused && r.received.at(-1)?.status === 200, 'the redelivery');
    expect(receiver.received.at(-1)?.json.data.description).toBe('redelivered from the console');
    // Refresh until the page shows it delivered (the worker records the attempt after the answer).
    const until = Date.now() + 10_000;
    while (!(await page.getByText(/delivered \(HTTP 200\)/).count()) || (await page.getByText('failed', { exact: true }).count())) {
      if (Date.now() > until) throw new Error('the page never showed the redelivery');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(100);
    }
  });

  it('edits and deletes the webhook', async () => {
    await page.getByRole('button', { name: 'Edit webhook' }).click();
    const form = page.getByRole('form', { name: 'Webhook' });
    await form.getByLabel('Description (optional)').fill('Renamed in the browser');
    await form.getByLabel(/Enabled/).uncheck();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Renamed in the browser').waitFor();
    const admin = await login(t);
    const [hook] = (await t.http.get(`${API}/webhooks`).set(admin.auth).expect(200)).body.data;
    expect(hook).toMatchObject({ description: 'Renamed in the browser', enabled: false });

    await page.getByRole('link', { name: '← All webhooks' }).click();
    await page.getByRole('button', { name: `Delete webhook ${receiver.url}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    expect((await t.http.get(`${API}/webhooks`).set(admin.auth).expect(200)).body.data).toEqual([]);
  });
});
