'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261201221749_idempotency extends Migration {

  name = 'Migration20261201221749_idempotency';

  async up() {
    this.addSql(`create table \`idempotency_records\` (\`record_key\` text not null primary key, \`fingerprint\` text not null, \`state\` text not null, \`status\` integer null, \`outcome\` text null, \`created_at\` datetime not null, \`expires_at\` datetime not null);`);
    this.addSql(`create index \`idempotency_records_expires_at_index\` on \`idempotency_records\` (\`expires_at\`);`);
  }

  async down() {
    this.addSql(`drop table if exists \`idempotency_records\`;`);
  }

}
exports.Migration20261201221749_idempotency = Migration20261201221749_idempotency;
