import { defineEntity, p } from '@mikro-orm/core';
import { Company } from '../companies/company.entity.js';
import type { Role } from '../access/roles.js';

export const USER_STATUSES = ['enabled', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    instanceUid: p.string().length(36).primary(),
    login: p.string().length(128).unique(),
    company: () => p.manyToOne(Company).deleteRule('cascade'),
    role: p.string().length(32).$type<Role>(),
    status: p.string().length(16).$type<UserStatus>(),
    /** Service users own keys and cannot log in with a password (Haplo). */
    isService: p.boolean().default(false),
    firstName: p.string().length(128).default(''),
    lastName: p.string().length(128).default(''),
    email: p.string().length(256).default(''),
    /** Uid of the user who created this one: "own objects" for keys limited to them. */
    createdBy: p.string().length(36).nullable(),
    creationDate: p.datetime(),
    /** Access tokens issued before this instant are refused (DELETE /users/{uid}/tokens). */
    sessionsValidAfter: p.datetime().nullable(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
