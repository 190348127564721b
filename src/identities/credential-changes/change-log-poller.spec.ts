import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedListener } from './change-feed.js';
import type { CredentialChangeLog, LoggedChange } from './change-log.js';
import { ChangeLogPoller } from './change-log-poller.js';

/** The change log as a list; `visible` decides which rows a read sees (a row not yet committed is not). */
function fakeLog() {
  const rows: (LoggedChange & { visible: boolean })[] = [];
  let failing = false;
  const log = {
    read: async (after: number, missing: number[], limit: number) => {
      if (failing) throw new Error('database down');
      return rows.filter((r) => r.visible && (r.id > after || missing.includes(r.id))).slice(0, limit);
    },
    latestId: async () => rows.filter((r) => r.visible).reduce((max, r) => Math.max(max, r.id), 0),
    prune: async () => 0,
  } as unknown as CredentialChangeLog;
  return {
    log,
    add: (id: number, visible = true) => rows.push({ id, message: `m${id}`, visible }),
    show: (id: number) => void (rows.find((r) => r.id === id)!.visible = true),
    fail: (value: boolean) => void (failing = value),
  };
}

function recorder() {
  const events: string[] = [];
  const listener: FeedListener = {
    received: (m) => void events.push(m),
    missed: () => void events.push('missed'),
    lost: () => void events.push('lost'),
    restored: () => void events.push('restored'),
  };
  return { events, listener };
}

describe('ChangeLogPoller', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('starts after the rows that exist, then hands on each new row once, in id order', async () => {
    const db = fakeLog();
    db.add(1);
    const { events, listener } = recorder();
    const poller = new ChangeLogPoller(db.log, 250, listener);
    await poller.start();
    db.add(2);
    db.add(3);
    await vi.advanceTimersByTimeAsync(250);
    await vi.advanceTimersByTimeAsync(250);
    expect(events).toEqual(['m2', 'm3']);
    expect(poller.connected).toBe(true);
    await poller.stop();
    expect(poller.connected).toBe(false);
  });

  it('still hands on a row that became visible after a higher one', async () => {
    const db = fakeLog();
    const { events, listener } = recorder();
    const poller = new ChangeLogPoller(db.log, 250, listener);
    await poller.start();
    db.add(1, false); // id taken, not committed yet
    db.add(2);
    await vi.advanceTimersByTimeAsync(250);
    db.show(1);
    await vi.advanceTimersByTimeAsync(250);
    await vi.advanceTimersByTimeAsync(250);
    expect(events).toEqual(['m2', 'm1']);
    await poller.stop();
  });

  it('reports a failed read once, and its recovery', async () => {
    const db = fakeLog();
    const { events, listener } = recorder();
    const poller = new ChangeLogPoller(db.log, 250, listener);
    await poller.start();
    db.fail(true);
    await vi.advanceTimersByTimeAsync(250);
    await vi.advanceTimersByTimeAsync(250);
    expect(events).toEqual(['lost']);
    expect(poller.connected).toBe(false);
    db.fail(false);
    db.add(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(events).toEqual(['lost', 'restored', 'm1']);
    expect(poller.connected).toBe(true);
    await poller.stop();
  });

  it('starts over ("everything changed") when a batch comes back full', async () => {
    const db = fakeLog();
    const { events, listener } = recorder();
    const poller = new ChangeLogPoller(db.log, 250, listener);
    await poller.start();
    for (let id = 1; id <= 600; id++) db.add(id);
    await vi.advanceTimersByTimeAsync(250);
    expect(events.at(-1)).toBe('missed');
    events.length = 0;
    db.add(601);
    await vi.advanceTimersByTimeAsync(250);
    expect(events).toEqual(['m601']);
    await poller.stop();
  });
});
