'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261201221750_idempotency extends Migration {

  name = 'Migration20261201221750_idempotency';

  async up() {
    this.addSql(`create table "idempotency_records" ("record_key" varchar(64) not null, "fingerprint" varchar(64) not null, "state" varchar(8) not null, "status" int null, "outcome" text null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("record_key"));`);
    this.addSql(`create index "idempotency_records_expires_at_index" on "idempotency_records" ("expires_at");`);
  }

  async down() {
    this.addSql(`drop table if exists "idempotency_records" cascade;`);
  }

}
exports.Migration20261201221750_idempotency = Migration20261201221750_idempotency;
