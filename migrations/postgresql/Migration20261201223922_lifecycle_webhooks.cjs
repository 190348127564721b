'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261201223922_lifecycle_webhooks extends Migration {

  name = 'Migration20261201223922_lifecycle_webhooks';

  async up() {
    this.addSql(`create table "webhook_expiry_cursors" ("notice" varchar(16) not null, "at" timestamptz not null, "identity_id" int not null, "version" int not null default 0, primary key ("notice"));`);

    this.addSql(`create table "webhooks" ("id" varchar(36) not null, "company_uid" varchar(36) null, "url" varchar(2048) not null, "events" jsonb not null, "description" varchar(128) not null default '', "enabled" boolean not null default true, "sealed_secret" text not null, "created_by" varchar(36) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhooks_company_uid_index" on "webhooks" ("company_uid");`);

    this.addSql(`create table "webhook_events" ("id" varchar(36) not null, "type" varchar(32) not null, "company_uid" varchar(36) null, "created_at" timestamptz not null, "data" jsonb not null, "dispatch_token" varchar(36) null, "dispatched_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "webhook_events_created_at_index" on "webhook_events" ("created_at");`);
    this.addSql(`create index "webhook_events_dispatch_token_index" on "webhook_events" ("dispatch_token");`);
    this.addSql(`create index "webhook_events_dispatched_at_index" on "webhook_events" ("dispatched_at");`);

    this.addSql(`create table "webhook_deliveries" ("id" varchar(36) not null, "webhook_id" varchar(36) not null, "event_id" varchar(36) not null, "status" varchar(16) not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "give_up_at" timestamptz not null, "lease_token" varchar(36) null, "created_at" timestamptz not null, "last_attempt_at" timestamptz null, "last_status_code" int null, "last_error" varchar(200) not null default '', "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "webhook_deliveries_webhook_id_index" on "webhook_deliveries" ("webhook_id");`);
    this.addSql(`create index "webhook_deliveries_event_id_index" on "webhook_deliveries" ("event_id");`);
    this.addSql(`create index "webhook_deliveries_lease_token_index" on "webhook_deliveries" ("lease_token");`);
    this.addSql(`create index "webhook_deliveries_status_next_attempt_at_index" on "webhook_deliveries" ("status", "next_attempt_at");`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_webhook_id_event_id_unique" unique ("webhook_id", "event_id");`);

    this.addSql(`create table "webhook_delivery_attempts" ("id" serial primary key, "delivery_id" varchar(36) not null, "number" int not null, "at" timestamptz not null, "duration_ms" int not null, "status_code" int null, "error" varchar(200) not null default '', "succeeded" boolean not null);`);
    this.addSql(`create index "webhook_delivery_attempts_delivery_id_index" on "webhook_delivery_attempts" ("delivery_id");`);

    this.addSql(`alter table "identities" add "leak_report" jsonb null;`);
    this.addSql(`create index "identities_expiration_date_index" on "identities" ("expiration_date");`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_event_id_foreign" foreign key ("event_id") references "webhook_events" ("id") on delete cascade;`);

    this.addSql(`alter table "webhook_delivery_attempts" add constraint "webhook_delivery_attempts_delivery_id_foreign" foreign key ("delivery_id") references "webhook_deliveries" ("id") on delete cascade;`);
  }

  async down() {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_webhook_id_foreign";`);
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_event_id_foreign";`);
    this.addSql(`alter table "webhook_delivery_attempts" drop constraint "webhook_delivery_attempts_delivery_id_foreign";`);

    this.addSql(`drop table if exists "webhook_expiry_cursors" cascade;`);
    this.addSql(`drop table if exists "webhooks" cascade;`);
    this.addSql(`drop table if exists "webhook_events" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery_attempts" cascade;`);

    this.addSql(`drop index "identities_expiration_date_index";`);
    this.addSql(`alter table "identities" drop column "leak_report";`);
  }

}
exports.Migration20261201223922_lifecycle_webhooks = Migration20261201223922_lifecycle_webhooks;
