import type { AuditTarget } from '../audit/audit.service.js';
import type { Shape } from '../common/selection.js';
import type { Company, CompanyStatus } from './company.entity.js';

/** VSPC's `Company` where Latchkey has the field (`instanceUid`, `name`, `status`), then Latchkey's. */
export interface CompanyView {
  instanceUid: string;
  name: string;
  status: CompanyStatus;
  isProvider: boolean;
  creationDate: string;
}

export const COMPANY_SHAPE: Shape<CompanyView> = { instanceUid: true, name: true, status: true, isProvider: true, creationDate: true };

/** VSPC's `Provider` (its `instanceUid`) and the provider's name. */
export interface ProviderView {
  instanceUid: string;
  name: string;
}

export const PROVIDER_SHAPE: Shape<ProviderView> = { instanceUid: true, name: true };

export function toProviderView(provider: Company): ProviderView {
  return { instanceUid: provider.instanceUid, name: provider.name };
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
