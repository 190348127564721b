'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261201223921_lifecycle_webhooks extends Migration {

  name = 'Migration20261201223921_lifecycle_webhooks';

  async up() {
    this.addSql(`create table \`webhook_expiry_cursors\` (\`notice\` text not null primary key, \`at\` datetime not null, \`identity_id\` integer not null, \`version\` integer not null default 0);`);

    this.addSql(`create table \`webhooks\` (\`id\` text not null primary key, \`company_uid\` text null, \`url\` text not null, \`events\` json not null, \`description\` text not null default '', \`enabled\` integer not null default true, \`sealed_secret\` text not null, \`created_by\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`webhooks_company_uid_index\` on \`webhooks\` (\`company_uid\`);`);

    this.addSql(`create table \`webhook_events\` (\`id\` text not null primary key, \`type\` text not null, \`company_uid\` text null, \`created_at\` datetime not null, \`data\` json not null, \`dispatch_token\` text null, \`dispatched_at\` datetime null);`);
    this.addSql(`create index \`webhook_events_created_at_index\` on \`webhook_events\` (\`created_at\`);`);
    this.addSql(`create index \`webhook_events_dispatch_token_index\` on \`webhook_events\` (\`dispatch_token\`);`);
    this.addSql(`create index \`webhook_events_dispatched_at_index\` on \`webhook_events\` (\`dispatched_at\`);`);

    this.addSql(`create table \`webhook_deliveries\` (\`id\` text not null primary key, \`webhook_id\` text not null, \`event_id\` text not null, \`status\` text not null, \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`give_up_at\` datetime not null, \`lease_token\` text null, \`created_at\` datetime not null, \`last_attempt_at\` datetime null, \`last_status_code\` integer null, \`last_error\` text not null default '', \`delivered_at\` datetime null, constraint \`webhook_deliveries_webhook_id_foreign\` foreign key (\`webhook_id\`) references \`webhooks\` (\`id\`) on delete cascade, constraint \`webhook_deliveries_event_id_foreign\` foreign key (\`event_id\`) references \`webhook_events\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`webhook_deliveries_webhook_id_index\` on \`webhook_deliveries\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_deliveries_event_id_index\` on \`webhook_deliveries\` (\`event_id\`);`);
    this.addSql(`create index \`webhook_deliveries_lease_token_index\` on \`webhook_deliveries\` (\`lease_token\`);`);
    this.addSql(`create index \`webhook_deliveries_status_next_attempt_at_index\` on \`webhook_deliveries\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create unique index \`webhook_deliveries_webhook_id_event_id_unique\` on \`webhook_deliveries\` (\`webhook_id\`, \`event_id\`);`);

    this.addSql(`create table \`webhook_delivery_attempts\` (\`id\` integer not null primary key autoincrement, \`delivery_id\` text not null, \`number\` integer not null, \`at\` datetime not null, \`duration_ms\` integer not null, \`status_code\` integer null, \`error\` text not null default '', \`succeeded\` integer not null, constraint \`webhook_delivery_attempts_delivery_id_foreign\` foreign key (\`delivery_id\`) references \`webhook_deliveries\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`webhook_delivery_attempts_delivery_id_index\` on \`webhook_delivery_attempts\` (\`delivery_id\`);`);

    this.addSql(`alter table \`identities\` add column \`leak_report\` json null;`);
    this.addSql(`create index \`identities_expiration_date_index\` on \`identities\` (\`expiration_date\`);`);
  }

  async down() {

    this.addSql(`drop table if exists \`webhook_expiry_cursors\`;`);
    this.addSql(`drop table if exists \`webhooks\`;`);
    this.addSql(`drop table if exists \`webhook_events\`;`);
    this.addSql(`drop table if exists \`webhook_deliveries\`;`);
    this.addSql(`drop table if exists \`webhook_delivery_attempts\`;`);

    this.addSql(`drop index \`identities_expiration_date_index\`;`);
    this.addSql(`alter table \`identities\` drop column \`leak_report\`;`);
  }

}
exports.Migration20261201223921_lifecycle_webhooks = Migration20261201223921_lifecycle_webhooks;
