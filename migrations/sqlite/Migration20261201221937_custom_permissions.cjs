'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261201221937_custom_permissions extends Migration {

  name = 'Migration20261201221937_custom_permissions';

  async up() {
    this.addSql(`create table \`custom_permissions\` (\`name\` text not null primary key, \`description\` text not null, \`roles\` json not null, \`created_by\` text null, \`creation_date\` datetime not null);`);
  }

  async down() {
    this.addSql(`drop table if exists \`custom_permissions\`;`);
  }

}
exports.Migration20261201221937_custom_permissions = Migration20261201221937_custom_permissions;
