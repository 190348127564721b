'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { Migration } = require('@mikro-orm/migrations');

class Migration20261123124842_initial extends Migration {

  name = 'Migration20261123124842_initial';

  async up() {
    this.addSql(`create table "audit_entries" ("id" serial primary key, "at" timestamptz not null, "action" varchar(64) not null, "outcome" varchar(16) not null, "actor_user_uid" varchar(36) null, "actor_name" varchar(128) not null default '', "identity_id" int null, "target_type" varchar(32) not null default '', "target_id" varchar(64) not null default '', "company_uid" varchar(36) null, "from_address" varchar(64) not null default '', "details" jsonb not null);`);
    this.addSql(`create index "audit_entries_at_index" on "audit_entries" ("at");`);
    this.addSql(`create index "audit_entries_action_index" on "audit_entries" ("action");`);
    this.addSql(`create index "audit_entries_actor_user_uid_index" on "audit_entries" ("actor_user_uid");`);
    this.addSql(`create index "audit_entries_company_uid_index" on "audit_entries" ("company_uid");`);

    this.addSql(`create table "companies" ("instance_uid" varchar(36) not null, "name" varchar(128) not null, "status" varchar(16) not null, "is_provider" boolean not null default false, "creation_date" timestamptz not null, primary key ("instance_uid"));`);
    this.addSql(`alter table "companies" add constraint "companies_name_unique" unique ("name");`);

    this.addSql(`create table "server_secrets" ("name" varchar(32) not null, "value" varchar(128) not null, primary key ("name"));`);

    this.addSql(`create table "users" ("instance_uid" varchar(36) not null, "login" varchar(128) not null, "company_instance_uid" varchar(36) not null, "role" varchar(32) not null, "status" varchar(16) not null, "is_service" boolean not null default false, "first_name" varchar(128) not null default '', "last_name" varchar(128) not null default '', "email" varchar(256) not null default '', "created_by" varchar(36) null, "creation_date" timestamptz not null, "sessions_valid_after" timestamptz null, primary key ("instance_uid"));`);
    this.addSql(`alter table "users" add constraint "users_login_unique" unique ("login");`);

    this.addSql(`create table "refresh_tokens" ("token_hash" varchar(64) not null, "family_id" varchar(36) not null, "user_instance_uid" varchar(36) not null, "read_only" boolean not null default false, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("token_hash"));`);
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(`create index "refresh_tokens_user_instance_uid_index" on "refresh_tokens" ("user_instance_uid");`);

    this.addSql(`create table "identities" ("id" serial primary key, "user_instance_uid" varchar(36) not null, "provider" varchar(8) not null, "description" varchar(128) not null default '', "is_read_access_only" boolean not null default false, "scopes" jsonb not null, "status" varchar(16) not null, "identifier_in_provider" varchar(128) not null, "creation_date" timestamptz not null, "secret" text null, "key_prefix" varchar(16) not null default '', "permissions" jsonb null, "expiration_date" timestamptz null, "allowed_ips" jsonb not null, "path_prefixes" jsonb not null, "own_objects_only" boolean not null default false, "rate_limit_per_minute" int null, "last_used_at" timestamptz null, "last_used_from" varchar(64) not null default '', "created_by" varchar(36) null);`);
    this.addSql(`create index "identities_user_instance_uid_index" on "identities" ("user_instance_uid");`);

    this.addSql(`create table "api_key_secrets" ("hash" varchar(64) not null, "identity_id" int not null, "expires_at" timestamptz null, primary key ("hash"));`);
    this.addSql(`create index "api_key_secrets_identity_id_index" on "api_key_secrets" ("identity_id");`);

    this.addSql(`alter table "users" add constraint "users_company_instance_uid_foreign" foreign key ("company_instance_uid") references "companies" ("instance_uid") on delete cascade;`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_user_instance_uid_foreign" foreign key ("user_instance_uid") references "users" ("instance_uid") on delete cascade;`);

    this.addSql(`alter table "identities" add constraint "identities_user_instance_uid_foreign" foreign key ("user_instance_uid") references "users" ("instance_uid") on delete cascade;`);

    this.addSql(`alter table "api_key_secrets" add constraint "api_key_secrets_identity_id_foreign" foreign key ("identity_id") references "identities" ("id") on delete cascade;`);
  }

  async down() {
    this.addSql(`alter table "users" drop constraint "users_company_instance_uid_foreign";`);
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_user_instance_uid_foreign";`);
    this.addSql(`alter table "identities" drop constraint "identities_user_instance_uid_foreign";`);
    this.addSql(`alter table "api_key_secrets" drop constraint "api_key_secrets_identity_id_foreign";`);

    this.addSql(`drop table if exists "audit_entries" cascade;`);
    this.addSql(`drop table if exists "companies" cascade;`);
    this.addSql(`drop table if exists "server_secrets" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "identities" cascade;`);
    this.addSql(`drop table if exists "api_key_secrets" cascade;`);
  }

}
exports.Migration20261123124842_initial = Migration20261123124842_initial;
