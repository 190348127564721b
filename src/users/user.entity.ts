import { defineEntity, p } from '@mikro-orm/core';
import { Company } from '../companies/company.entity.js';
import type { Role } from '../access/roles.js';
import type { UserStatus } from '../access/principal.js';

export { USER_STATUSES, type UserStatus } from '../access/principal.js';
/** VSPC's `UserProfile.title`. */
export const USER_TITLES = ['Unknown', 'Mr', 'Miss', 'Mrs', 'Ms'] as const;
export type UserTitle = (typeof USER_TITLES)[number];

/** Column names follow VSPC's `User` and `UserProfile`; values are VSPC's enums as spelled there. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    instanceUid: p.string().length(36).primary(),
    userName: p.string().length(128).unique(),
    company: () => p.manyToOne(Company).deleteRule('cascade'),
    role: p.string().length(32).$type<Role>(),
    status: p.string().length(16).$type<UserStatus>(),
    /** Service users own keys and cannot log in with a password (Haplo). */
    isService: p.boolean().default(false),
    // The profile: null where nothing was given, as VSPC answers it.
    firstName: p.string().length(128).nullable(),
    lastName: p.string().length(128).nullable(),
    title: p.string().length(16).$type<UserTitle>().default('Unknown'),
    email: p.string().length(256).nullable(),
    address: p.string().length(512).nullable(),
    phone: p.string().length(64).nullable(),
    /** Uid of the user who created this one: "own objects" for keys limited to them. */
    createdBy: p.string().length(36).nullable(),
    creationDate: p.datetime(),
    /** Access tokens issued before this instant are refused (DELETE /users/{uid}/tokens). */
    sessionsValidAfter: p.datetime().nullable(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
