import type { AuditTarget } from '../audit/audit.service.js';
import type { Company, CompanyStatus } from './company.entity.js';

export interface CompanyView {
  instanceUid: string;
  name: string;
  status: CompanyStatus;
  isProvider: boolean;
  creationDate: string;
}

export function toCompanyView(company: Company): CompanyView {
  return {
    instanceUid: company.instanceUid,
    name: company.name,
    status: company.status,
    isProvider: company.isProvider,
    creationDate: company.creationDate.toISOString(),
  };
}

export function companyTarget(company: Company): AuditTarget {
  return { type: 'company', id: company.instanceUid, companyUid: company.instanceUid };
}
