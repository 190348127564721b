'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261123130250_totp extends Migration {

  name = 'Migration20261123130250_totp';

  async up() {
    this.addSql(`alter table "identities" add "otp_last_time_step" bigint null;`);
  }

  async down() {
    this.addSql(`alter table "identities" drop column "otp_last_time_step";`);
  }

}
exports.Migration20261123130250_totp = Migration20261123130250_totp;
