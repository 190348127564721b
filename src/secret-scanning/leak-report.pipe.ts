import { createParamDecorator, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ApiError } from '../common/api-error.js';
import { checkDto } from '../common/validation.js';
import { LeakedTokenDto } from './dto/leaked-token.dto.js';

/** GitHub sends matches in batches; far fewer than this in practice. */
export const MAX_REPORTED_TOKENS = 1000;

/** The report body: a JSON array of 1-1000 matches, each checked by LeakedTokenDto. */
@Injectable()
export class LeakReportPipe implements PipeTransform<unknown, LeakedTokenDto[]> {
  transform(body: unknown): LeakedTokenDto[] {
    if (!Array.isArray(body) || body.length === 0 || body.length > MAX_REPORTED_TOKENS) {
      throw ApiError.badRequest(`The report must be a JSON array of 1-${MAX_REPORTED_TOKENS} matches.`);
    }
    return body.map((item: unknown, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw ApiError.badRequest(`Match ${index} must be an object.`);
      const { token, type, url, source } = item as Record<string, unknown>;
      const match = plainToInstance(LeakedTokenDto, { token, type, url, source });
      const problem = checkDto(match);
      if (problem) throw ApiError.badRequest(problem.message, { propertyName: `${index}.${problem.property}` });
      return match;
    });
  }
}

/**
 * The report body, through LeakReportPipe only: the global pipe expects a JSON object and would
 * refuse the array (Nest runs global pipes on custom decorators only when asked to).
 */
export const LeakReportBody = (): ParameterDecorator =>
  createParamDecorator((_: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<{ body?: unknown }>().body)(LeakReportPipe);
