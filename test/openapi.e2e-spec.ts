import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, PUBLIC_KEY } from '../src/access/access.decorator.js';
import { startApp, type TestApp } from './support/harness.js';

interface Operation {
  parameters?: ({ $ref: string } | { name: string; in: string })[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
  'x-latchkey-access'?: { surface: string; permission: string | null };
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, Record<string, string>>;
    schemas: Record<string, Record<string, unknown>>;
    parameters: Record<string, { name: string; in: string }>;
  };
}

interface ServedRoute {
  method: string;
  /** As Fastify serves it: `/api/v3/users/:userUid`. */
  url: string;
  handler: Function;
  controller: Function;
}

const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/**
 * Every handler of every controller of the running app, as Fastify serves it. Paths come from
 * Nest's metadata; whether a path sits under the global prefix is asked of Fastify's route table,
 * so the list is what the server answers, not what this test assumes.
 */
function servedRoutes(t: TestApp): ServedRoute[] {
  const fastify = t.app.getHttpAdapter().getInstance();
  const scanner = new MetadataScanner();
  const routes: ServedRoute[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function;
      const controllerPaths = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name] as Function;
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (methodPath === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        for (const base of controllerPaths) {
          for (const path of [methodPath].flat()) {
            const candidates = [join('api/v3', base, path), join(base, path)].filter((url) => fastify.hasRoute({ method: method as never, url }));
            expect(candidates, `${method} ${join(base, path)} is served exactly once`).toHaveLength(1);
            routes.push({ method, url: candidates[0], handler, controller });
          }
        }
      }
    }
  }
  return routes;
}

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let routes: ServedRoute[];

  beforeAll(async () => {
    t = await startApp();
    const res = await t.http.get('/api/v3/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as OpenApiDocument;
    routes = servedRoutes(t);
  });
  afterAll(() => t?.close());

  it('is an OpenAPI 3 document served without credentials', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(routes.length).toBeGreaterThan(20);
  });

  it('serves Swagger UI and its assets without credentials', async () => {
    const page = await t.http.get('/api/v3/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await t.http.get('/api/v3/docs/swagger-ui-init.js')).status).toBe(200);
    expect((await t.http.get('/api/v3/docs/swagger-ui.css')).status).toBe(200);
  });

  it('documents every route the application serves, and nothing else', () => {
    const served = routes.map((r) => `${r.method} ${toOpenApiPath(r.url)}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('gives every operation a documented success answer', () => {
    for (const route of routes) {
      const operation = doc.paths[toOpenApiPath(route.url)][route.method.toLowerCase()];
      const success = operation.responses['200'];
      // JSON, or for the events stream Server-Sent Events.
      const schema = success?.content?.['application/json']?.schema ?? success?.content?.['text/event-stream']?.schema;
      expect(schema, `${route.method} ${route.url} documents its 200`).toBeDefined();
    }
  });

  it('describes the three credential transports', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
      basic: { type: 'http', scheme: 'basic' },
    });
  });

  it('marks exactly the routes the guard protects as secured, with the rule the guard applies', () => {
    for (const route of routes) {
      const operation = doc.paths[toOpenApiPath(route.url)][route.method.toLowerCase()];
      const label = `${route.method} ${route.url}`;
      const isPublic = Reflect.getMetadata(PUBLIC_KEY, route.handler) ?? Reflect.getMetadata(PUBLIC_KEY, route.controller);
      if (isPublic) {
        expect(operation.security, `${label} is public`).toBeUndefined();
        continue;
      }
      expect(operation.security, `${label} takes any of the three credentials`).toEqual([{ bearer: [] }, { apiKey: [] }, { basic: [] }]);
      // A route without @Access() would still be guarded (deny by default) but undocumented.
      const rule = Reflect.getMetadata(ACCESS_KEY, route.handler) as { surface: string; permission?: string } | undefined;
      expect(rule, `${label} declares its rule with @Access()`).toBeDefined();
      expect(operation['x-latchkey-access']).toMatchObject({ surface: rule!.surface, permission: rule!.permission ?? null });
      for (const status of ['400', '401', '403', '404', '429', '520']) {
        expect(operation.responses[status]?.content?.['application/json'].schema, `${label} ${status}`).toEqual({
          $ref: '#/components/schemas/ErrorEnvelope',
        });
      }
    }
  });

  it('has the VSPC error envelope as a reusable schema', () => {
    const { ErrorEnvelope, ErrorItem } = doc.components.schemas;
    expect(ErrorEnvelope).toMatchObject({
      type: 'object',
      required: ['errors'],
      properties: { errors: { type: 'array', items: { $ref: '#/components/schemas/ErrorItem' } } },
    });
    expect(ErrorItem).toMatchObject({
      required: expect.arrayContaining(['message', 'type', 'code']),
      properties: {
        message: { type: 'string' },
        type: { enum: ['logical', 'retryableLogical', 'security', 'transport', 'unspecified'] },
        code: { type: 'integer' },
        propertyName: { type: 'string' },
        parameterName: { type: 'string' },
      },
    });
  });

  it('answers an error in the documented envelope', async () => {
    const res = await t.http.get('/api/v3/users/me');
    expect(res.status).toBe(401);
    expect(Object.keys(res.body)).toEqual(['errors']);
    const documented = Object.keys((doc.components.schemas.ErrorItem as { properties: object }).properties);
    for (const item of res.body.errors) expect(documented).toEqual(expect.arrayContaining(Object.keys(item)));
  });

  it('offers X-Request-id as one reusable header on every mutating route but the token endpoint', () => {
    expect(doc.components.parameters.XRequestId).toMatchObject({ name: 'X-Request-id', in: 'header' });
    const mutating = routes.filter((route) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(route.method));
    expect(mutating.length).toBeGreaterThan(10);
    for (const route of mutating) {
      const operation = doc.paths[toOpenApiPath(route.url)][route.method.toLowerCase()];
      const refs = (operation.parameters ?? []).filter((p) => '$ref' in p && p.$ref === '#/components/parameters/XRequestId');
      expect(refs.length, `${route.method} ${route.url}`).toBe(route.url === '/api/v3/token' ? 0 : 1);
    }
    for (const route of routes.filter((route) => route.method === 'GET')) {
      expect(JSON.stringify(doc.paths[toOpenApiPath(route.url)].get.parameters ?? []), route.url).not.toContain('XRequestId');
    }
  });

  it("documents VSPC's TOTP routes: the secret, and the query-only identity creation", () => {
    const secret = doc.paths['/api/v3/authentication/keys/totp-secret'].get;
    expect(JSON.stringify(secret.responses['200'])).toContain('#/components/schemas/TotpSecret');
    expect(doc.components.schemas.TotpSecret).toMatchObject({ required: ['secret', 'secretUrl'] });
    const add = doc.paths['/api/v3/users/{userUid}/logins/totp'].post as Operation & { requestBody?: unknown };
    const query = (add.parameters ?? []).filter((p): p is { name: string; in: string } => 'in' in p && p.in === 'query').map((p) => p.name);
    expect(query.sort()).toEqual(['code', 'description', 'scopes', 'secretUrl']);
    expect(add.requestBody).toBeUndefined();
    expect(add['x-latchkey-access']).toMatchObject({ sessionOnly: true });
    expect(doc.paths['/api/v3/users/{userUid}/logins/totp/{id}/confirm']).toBeUndefined();
  });
});
