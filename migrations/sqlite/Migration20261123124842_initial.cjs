'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261123124842_initial extends Migration {

  name = 'Migration20261123124842_initial';

  async up() {
    this.addSql(`create table \`audit_entries\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`action\` text not null, \`outcome\` text not null, \`actor_user_uid\` text null, \`actor_name\` text not null default '', \`identity_id\` integer null, \`target_type\` text not null default '', \`target_id\` text not null default '', \`company_uid\` text null, \`from_address\` text not null default '', \`details\` json not null);`);
    this.addSql(`create index \`audit_entries_at_index\` on \`audit_entries\` (\`at\`);`);
    this.addSql(`create index \`audit_entries_action_index\` on \`audit_entries\` (\`action\`);`);
    this.addSql(`create index \`audit_entries_actor_user_uid_index\` on \`audit_entries\` (\`actor_user_uid\`);`);
    this.addSql(`create index \`audit_entries_company_uid_index\` on \`audit_entries\` (\`company_uid\`);`);

    this.addSql(`create table \`companies\` (\`instance_uid\` text not null primary key, \`name\` text not null, \`status\` text not null, \`is_provider\` integer not null default false, \`creation_date\` datetime not null);`);
    this.addSql(`create unique index \`companies_name_unique\` on \`companies\` (\`name\`);`);

    this.addSql(`create table \`server_secrets\` (\`name\` text not null primary key, \`value\` text not null);`);

    this.addSql(`create table \`users\` (\`instance_uid\` text not null primary key, \`login\` text not null, \`company_instance_uid\` text not null, \`role\` text not null, \`status\` text not null, \`is_service\` integer not null default false, \`first_name\` text not null default '', \`last_name\` text not null default '', \`email\` text not null default '', \`created_by\` text null, \`creation_date\` datetime not null, \`sessions_valid_after\` datetime null, constraint \`users_company_instance_uid_foreign\` foreign key (\`company_instance_uid\`) references \`companies\` (\`instance_uid\`) on delete cascade);`);
    this.addSql(`create unique index \`users_login_unique\` on \`users\` (\`login\`);`);
    this.addSql(`create index \`users_company_instance_uid_index\` on \`users\` (\`company_instance_uid\`);`);

    this.addSql(`create table \`refresh_tokens\` (\`token_hash\` text not null primary key, \`family_id\` text not null, \`user_instance_uid\` text not null, \`read_only\` integer not null default false, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`revoked_at\` datetime null, constraint \`refresh_tokens_user_instance_uid_foreign\` foreign key (\`user_instance_uid\`) references \`users\` (\`instance_uid\`) on delete cascade);`);
    this.addSql(`create index \`refresh_tokens_family_id_index\` on \`refresh_tokens\` (\`family_id\`);`);
    this.addSql(`create index \`refresh_tokens_user_instance_uid_index\` on \`refresh_tokens\` (\`user_instance_uid\`);`);

    this.addSql(`create table \`identities\` (\`id\` integer not null primary key autoincrement, \`user_instance_uid\` text not null, \`provider\` text not null, \`description\` text not null default '', \`is_read_access_only\` integer not null default false, \`scopes\` json not null, \`status\` text not null, \`identifier_in_provider\` text not null, \`creation_date\` datetime not null, \`secret\` text null, \`key_prefix\` text not null default '', \`permissions\` json null, \`expiration_date\` datetime null, \`allowed_ips\` json not null, \`path_prefixes\` json not null, \`own_objects_only\` integer not null default false, \`rate_limit_per_minute\` integer null, \`last_used_at\` datetime null, \`last_used_from\` text not null default '', \`created_by\` text null, constraint \`identities_user_instance_uid_foreign\` foreign key (\`user_instance_uid\`) references \`users\` (\`instance_uid\`) on delete cascade);`);
    this.addSql(`create index \`identities_user_instance_uid_index\` on \`identities\` (\`user_instance_uid\`);`);

    this.addSql(`create table \`api_key_secrets\` (\`hash\` text not null primary key, \`identity_id\` integer not null, \`expires_at\` datetime null, constraint \`api_key_secrets_identity_id_foreign\` foreign key (\`identity_id\`) references \`identities\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`api_key_secrets_identity_id_index\` on \`api_key_secrets\` (\`identity_id\`);`);
  }

  async down() {

    this.addSql(`drop table if exists \`audit_entries\`;`);
    this.addSql(`drop table if exists \`companies\`;`);
    this.addSql(`drop table if exists \`server_secrets\`;`);
    this.addSql(`drop table if exists \`users\`;`);
    this.addSql(`drop table if exists \`refresh_tokens\`;`);
    this.addSql(`drop table if exists \`identities\`;`);
    this.addSql(`drop table if exists \`api_key_secrets\`;`);
  }

}
exports.Migration20261123124842_initial = Migration20261123124842_initial;
