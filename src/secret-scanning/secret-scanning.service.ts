import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentitiesService } from '../identities/identities.service.js';
import type { LeakedTokenDto, LeakLabelDto } from './dto/leaked-token.dto.js';

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** Leaked-key reports in GitHub's secret-scanning partner format: each live key is disabled and labelled. */
@Injectable()
export class SecretScanningService {
  constructor(private readonly identities: IdentitiesService) {}

  async report(matches: LeakedTokenDto[], fromAddress: string): Promise<LeakLabelDto[]> {
    const live = await this.identities.reportLeaked(matches, fromAddress);
    return matches.map((match) => ({ token_hash: sha256(match.token), token_type: match.type, label: live.has(match.token) ? 'true_positive' : 'false_positive' }));
  }
}
