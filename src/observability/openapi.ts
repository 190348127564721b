import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SECURITY_SCHEMES } from '../common/openapi.js';
import { documentRequestIds } from '../idempotency/idempotency.openapi.js';

export const OPENAPI_DOCUMENT_PATH = '/api/v3/openapi.json';
export const OPENAPI_UI_PATH = '/api/v3/docs';

/** The OpenAPI 3 document, built from the controllers and DTOs of the running application. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Latchkey')
    .setDescription(
      'API keys and identities in the style of the Veeam Service Provider Console v3 REST API. ' +
        'Successes answer `{ data, meta? }`; failures answer the `ErrorEnvelope`, except `POST /api/v3/token`, which answers RFC 6749 errors. ' +
        'Routes with a `security` list accept any one of its credentials; routes without one are public.',
    )
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'access token or lk_ API key', description: 'An access token from `POST /api/v3/token`, or an API key. A raw `Authorization: <key>` is accepted too.' },
      SECURITY_SCHEMES.bearer,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'An API key.' }, SECURITY_SCHEMES.apiKey)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'HTTP Basic with an API key as the password; the username is ignored.' }, SECURITY_SCHEMES.basic)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  return documentRequestIds(document);
}

/** Serve the document and Swagger UI without credentials; they are Fastify routes, outside the guard. The document is built on first request. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_DOCUMENT_PATH,
    raw: ['json'],
    customSiteTitle: 'Latchkey API',
  });
}
