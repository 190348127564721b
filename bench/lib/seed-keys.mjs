// Bulk seeding of API keys straight into a stopped Latchkey SQLite database: rows are copies of
// a template identity and user made through the API, so every stored value has the app's own
// format; hashes use the server's HMAC secret from `server_secrets` and the built key code.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { displayPrefix, generateApiKey, hashApiKey } from '../latchkey.mjs';

const BATCH = 50_000;
const KEYS_PER_USER = 1_000;

/**
 * Adds keys until the database holds `target` API keys. Returns a uniform sample of the keys it
 * wrote (each kept with probability `sampleRate`), since the bench needs plaintext keys to send.
 */
export function seedKeys(file, { templateIdentityId, target, sampleRate }) {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = wal');
    db.pragma('synchronous = off');
    const secret = Buffer.from(db.prepare(`select value from server_secrets where name = 'api-key-hmac'`).get().value, 'base64url');
    const template = db.prepare('select * from identities where id = ?').get(templateIdentityId);
    const templateUser = db.prepare('select * from users where instance_uid = ?').get(template.user_instance_uid);
    const existing = db.prepare(`select count(*) as n from identities where provider = 'AK'`).get().n;
    let nextId = db.prepare('select max(id) as id from identities').get().id + 1;

    const identityColumns = Object.keys(template);
    const userColumns = Object.keys(templateUser);
    const insertIdentity = db.prepare(`insert into identities (${identityColumns.join(',')}) values (${identityColumns.map((c) => '@' + c).join(',')})`);
    const insertUser = db.prepare(`insert into users (${userColumns.join(',')}) values (${userColumns.map((c) => '@' + c).join(',')})`);
    const insertSecret = db.prepare('insert into api_key_secrets (hash, identity_id, expires_at) values (?, ?, null)');

    const sample = [];
    let owner = template.user_instance_uid;
    const writeBatch = db.transaction((from, to) => {
      for (let i = from; i < to; i++) {
        if (i % KEYS_PER_USER === 0) {
          owner = randomUUID();
          insertUser.run({ ...templateUser, instance_uid: owner, user_name: `bench-svc-${i / KEYS_PER_USER}-${owner.slice(0, 8)}` });
        }
        const key = generateApiKey();
        const id = nextId++;
        insertIdentity.run({ ...template, id, user_instance_uid: owner, identifier_in_provider: randomUUID(), key_prefix: displayPrefix(key), description: `bench key ${i}` });
        insertSecret.run(hashApiKey(key, secret), id);
        if (Math.random() < sampleRate) sample.push(key);
      }
    });
    for (let from = existing; from < target; from += BATCH) writeBatch(from, Math.min(target, from + BATCH));
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { written: Math.max(0, target - existing), sample };
  } finally {
    db.close();
  }
}
