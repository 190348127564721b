import { verify } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import type { RawBodyRequest } from './raw-body.js';

export const KEY_ID_HEADER = 'github-public-key-identifier';
export const SIGNATURE_HEADER = 'github-public-key-signature';

/** A DER-encoded ECDSA P-256 signature is at most 72 bytes; anything much longer is not one. */
const MAX_SIGNATURE_CHARS = 256;

/**
 * The report route's own authentication, in place of a Latchkey credential: the raw body must carry
 * a valid ECDSA P-256 / SHA-256 signature (base64 DER, GitHub's format) by the configured public key
 * the request names. A refusal counts as a failed authentication of the address, like a bad key,
 * so a flood of forged reports is throttled by the same budget; nothing is read or changed first.
 */
@Injectable()
export class ReportSignatureGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rateLimits: RateLimitsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RawBodyRequest>();
    const blocked = this.rateLimits.authBlocked(request.ip);
    if (blocked !== undefined) throw ApiError.tooManyRequests('Too many failed authentications from this address.', blocked);
    if (this.signedByScanner(request)) return true;
    await this.rateLimits.authFailed(request.ip);
    throw ApiError.unauthorized('The report must be signed by a configured secret-scanning key.');
  }

  private signedByScanner(request: RawBodyRequest): boolean {
    const keyId = request.headers[KEY_ID_HEADER];
    const signature = request.headers[SIGNATURE_HEADER];
    if (typeof keyId !== 'string' || typeof signature !== 'string' || signature.length > MAX_SIGNATURE_CHARS || !request.rawBody) return false;
    const scanner = this.config.secretScanningKeys.find((candidate) => candidate.id === keyId);
    if (!scanner) return false;
    try {
      return verify('sha256', request.rawBody, { key: scanner.key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}
