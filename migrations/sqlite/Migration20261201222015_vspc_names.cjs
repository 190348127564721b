'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { randomUUID } = require('node:crypto');
const { Migration } = require('@mikro-orm/migrations');

/**
 * VSPC's names: roles and user/company statuses as VSPC's enums spell them, `users.login` →
 * `user_name`, a profile with title, address and phone where empty strings become null, and the
 * installation row (`GET /about`).
 *
 * SQLite cannot relax NOT NULL in place, and rebuilding `users` would cascade: migrations run in
 * a transaction, where `pragma foreign_keys = off` does nothing, so dropping the old table would
 * delete every identity and refresh token. The nullable columns are added beside the old ones,
 * filled, and the old ones dropped instead.
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
  return `case \`${column}\` ${whens} else \`${column}\` end`;
}

const PROFILE = ['first_name', 'last_name', 'email'];

class Migration20261201222015_vspc_names extends Migration {

  name = 'Migration20261201222015_vspc_names';

  async up() {
    this.addSql(`create table \`installation\` (\`key\` text not null primary key, \`installation_id\` text not null, \`installation_date\` datetime not null);`);
    // An existing installation started when its provider was made; a new one gets its row at first start.
    this.addSql(`insert into \`installation\` (\`key\`, \`installation_id\`, \`installation_date\`) select 'this', '${randomUUID()}', min(\`creation_date\`) from \`companies\` having count(*) > 0;`);

    this.addSql(`update \`users\` set \`role\` = ${mapping('role', ROLES)}, \`status\` = ${mapping('status', USER_STATUSES)};`);
    this.addSql(`update \`companies\` set \`status\` = ${mapping('status', COMPANY_STATUSES)};`);

    this.addSql(`drop index \`users_login_unique\`;`);
    this.addSql(`alter table \`users\` rename column \`login\` to \`user_name\`;`);
    this.addSql(`create unique index \`users_user_name_unique\` on \`users\` (\`user_name\`);`);
    for (const column of PROFILE) {
      this.addSql(`alter table \`users\` add column \`${column}_vspc\` text null;`);
      this.addSql(`update \`users\` set \`${column}_vspc\` = nullif(\`${column}\`, '');`);
      this.addSql(`alter table \`users\` drop column \`${column}\`;`);
      this.addSql(`alter table \`users\` rename column \`${column}_vspc\` to \`${column}\`;`);
    }
    this.addSql(`alter table \`users\` add column \`title\` text not null default 'Unknown';`);
    this.addSql(`alter table \`users\` add column \`address\` text null;`);
    this.addSql(`alter table \`users\` add column \`phone\` text null;`);
  }

  async down() {
    this.addSql(`drop table if exists \`installation\`;`);

    this.addSql(`update \`users\` set \`role\` = ${mapping('role', ROLES, true)}, \`status\` = ${mapping('status', USER_STATUSES, true)};`);
    this.addSql(`update \`companies\` set \`status\` = ${mapping('status', COMPANY_STATUSES, true)};`);

    this.addSql(`drop index \`users_user_name_unique\`;`);
    this.addSql(`alter table \`users\` rename column \`user_name\` to \`login\`;`);
    this.addSql(`create unique index \`users_login_unique\` on \`users\` (\`login\`);`);
    for (const column of PROFILE) {
      this.addSql(`alter table \`users\` add column \`${column}_old\` text not null default '';`);
      this.addSql(`update \`users\` set \`${column}_old\` = coalesce(\`${column}\`, '');`);
      this.addSql(`alter table \`users\` drop column \`${column}\`;`);
      this.addSql(`alter table \`users\` rename column \`${column}_old\` to \`${column}\`;`);
    }
    this.addSql(`alter table \`users\` drop column \`title\`;`);
    this.addSql(`alter table \`users\` drop column \`address\`;`);
    this.addSql(`alter table \`users\` drop column \`phone\`;`);
  }

}
exports.Migration20261201222015_vspc_names = Migration20261201222015_vspc_names;
