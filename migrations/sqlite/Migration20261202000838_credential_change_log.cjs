'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261202000838_credential_change_log extends Migration {

  name = 'Migration20261202000838_credential_change_log';

  async up() {
    this.addSql(`create table \`credential_change_log\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`message\` text not null);`);
    this.addSql(`create index \`credential_change_log_at_index\` on \`credential_change_log\` (\`at\`);`);
  }

  async down() {
    this.addSql(`drop table if exists \`credential_change_log\`;`);
  }

}
exports.Migration20261202000838_credential_change_log = Migration20261202000838_credential_change_log;
