'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261201221938_custom_permissions extends Migration {

  name = 'Migration20261201221938_custom_permissions';

  async up() {
    this.addSql(`create table "custom_permissions" ("name" varchar(64) not null, "description" varchar(128) not null, "roles" jsonb not null, "created_by" varchar(36) null, "creation_date" timestamptz not null, primary key ("name"));`);
  }

  async down() {
    this.addSql(`drop table if exists "custom_permissions" cascade;`);
  }

}
exports.Migration20261201221938_custom_permissions = Migration20261201221938_custom_permissions;
