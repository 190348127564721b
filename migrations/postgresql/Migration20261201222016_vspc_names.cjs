'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { randomUUID } = require('node:crypto');
const { Migration } = require('@mikro-orm/migrations');

/**
 * VSPC's names: roles and user/company statuses as VSPC's enums spell them, `users.login` →
 * `user_name`, a profile with title, address and phone where empty strings become null, and the
 * installation row (`GET /about`).
 */
const ROLES = [
  ['portalAdministrator', 'PortalAdministrator'],
  ['portalOperator', 'PortalOperator'],
  ['readonlyUser', 'PortalReadonlyOperator'],
  ['companyOwner', 'CompanyOwner'],
  ['companyAdministrator', 'CompanyAdministrator'],
  ['companyUser', 'CompanyLocationUser'],
];
const USER_STATUSES = [['enabled', 'Enabled'], ['disabled', 'Disabled']];
const COMPANY_STATUSES = [['active', 'Active'], ['disabled', 'Disabled']];

/** `case column when 'a' then 'A' … else column end`, from the pairs in the given direction. */
function mapping(column, pairs, reverse = false) {
  const whens = pairs.map(([from, to]) => (reverse ? [to, from] : [from, to])).map(([from, to]) => `when '${from}' then '${to}'`).join(' ');
  return `case "${column}" ${whens} else "${column}" end`;
}

class Migration20261201222016_vspc_names extends Migration {

  name = 'Migration20261201222016_vspc_names';

  async up() {
    this.addSql(`create table "installation" ("key" varchar(8) not null, "installation_id" varchar(36) not null, "installation_date" timestamptz not null, primary key ("key"));`);
    // An existing installation started when its provider was made; a new one gets its row at first start.
    this.addSql(`insert into "installation" ("key", "installation_id", "installation_date") select 'this', '${randomUUID()}', min("creation_date") from "companies" having count(*) > 0;`);

    this.addSql(`update "users" set "role" = ${mapping('role', ROLES)}, "status" = ${mapping('status', USER_STATUSES)};`);
    this.addSql(`update "companies" set "status" = ${mapping('status', COMPANY_STATUSES)};`);

    this.addSql(`alter table "users" drop constraint "users_login_unique";`);
    this.addSql(`alter table "users" add "title" varchar(16) not null default 'Unknown', add "address" varchar(512) null, add "phone" varchar(64) null;`);
    this.addSql(`alter table "users" alter column "first_name" drop default;`);
    this.addSql(`alter table "users" alter column "first_name" drop not null;`);
    this.addSql(`alter table "users" alter column "last_name" drop default;`);
    this.addSql(`alter table "users" alter column "last_name" drop not null;`);
    this.addSql(`alter table "users" alter column "email" drop default;`);
    this.addSql(`alter table "users" alter column "email" drop not null;`);
    this.addSql(`update "users" set "first_name" = nullif("first_name", ''), "last_name" = nullif("last_name", ''), "email" = nullif("email", '');`);
    this.addSql(`alter table "users" rename column "login" to "user_name";`);
    this.addSql(`alter table "users" add constraint "users_user_name_unique" unique ("user_name");`);
  }

  async down() {
    this.addSql(`drop table if exists "installation" cascade;`);

    this.addSql(`update "users" set "role" = ${mapping('role', ROLES, true)}, "status" = ${mapping('status', USER_STATUSES, true)};`);
    this.addSql(`update "companies" set "status" = ${mapping('status', COMPANY_STATUSES, true)};`);

    this.addSql(`alter table "users" drop constraint "users_user_name_unique";`);
    this.addSql(`alter table "users" drop column "title", drop column "address", drop column "phone";`);
    this.addSql(`update "users" set "first_name" = coalesce("first_name", ''), "last_name" = coalesce("last_name", ''), "email" = coalesce("email", '');`);
    this.addSql(`alter table "users" alter column "first_name" set default '';`);
    this.addSql(`alter table "users" alter column "first_name" set not null;`);
    this.addSql(`alter table "users" alter column "last_name" set default '';`);
    this.addSql(`alter table "users" alter column "last_name" set not null;`);
    this.addSql(`alter table "users" alter column "email" set default '';`);
    this.addSql(`alter table "users" alter column "email" set not null;`);
    this.addSql(`alter table "users" rename column "user_name" to "login";`);
    this.addSql(`alter table "users" add constraint "users_login_unique" unique ("login");`);
  }

}
exports.Migration20261201222016_vspc_names = Migration20261201222016_vspc_names;
