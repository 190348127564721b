import { defineEntity, p } from '@mikro-orm/core';
import type { CompanyStatus } from '../access/principal.js';

export { COMPANY_STATUSES, type CompanyStatus } from '../access/principal.js';

export const CompanySchema = defineEntity({
  name: 'Company',
  tableName: 'companies',
  properties: {
    instanceUid: p.string().length(36).primary(),
    name: p.string().length(128).unique(),
    status: p.string().length(16).$type<CompanyStatus>(),
    /** The portal's own organization; exactly one, created at first start. */
    isProvider: p.boolean().default(false),
    creationDate: p.datetime(),
  },
});

export class Company extends CompanySchema.class {}
CompanySchema.setClass(Company);
