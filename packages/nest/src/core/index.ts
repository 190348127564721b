/**
 * `@latchkey/nest/core`: verify Latchkey API keys from any framework (Express, Fastify, Hono, plain
 * `node:http`). Nothing here imports NestJS.
 */
export { AnswerCache, type CachedAnswer, type CredentialChange } from './answer-cache.js';
export {
  challengeFor,
  type InvalidAnswer,
  type KeySubject,
  MALFORMED_KEY,
  missingKeyRefusal,
  parseAnswer,
  type RateLimitState,
  type Refusal,
  type RefusalCode,
  refusalOf,
  unavailableRefusal,
  type ValidAnswer,
  type VerifyAnswer,
  type VerifyRequest,
} from './answers.js';
export { LatchkeyUnavailableError } from './errors.js';
export { CredentialStream, type Logger, parseChange } from './events.js';
export { crc32, isWellFormedKey, KEY_PREFIX, keyWithBody, looksLikeKey } from './key-format.js';
export { type SseEvent, SseOverflowError, SseParser } from './sse.js';
export { extractKey, type HeaderSource, keyCandidates } from './transports.js';
export { createVerifier, LatchkeyVerifier, STREAM_DOWN_TTL_MS, type VerifierOptions } from './verifier.js';
export { authorizeRequest, type Decision, type IncomingRequest, pathOf, subjectOf, type VerifiedSubject } from './authorize-request.js';
