import { databaseText } from './database-text.js';
import type { RecordedResponse, TestApp } from './harness.js';

export type SecretKind = 'apiKey' | 'password' | 'refreshToken' | 'accessToken' | 'totpSeed' | 'signingSecret';

/** The only answers allowed to carry a secret, and the fields they carry it in. */
const ISSUING_ROUTES: { method: string; path: RegExp; fields: (body: Record<string, unknown>) => void }[] = [
  {
    method: 'POST',
    path: /^\/api\/v3\/token$/,
    fields: (body) => {
      delete body.access_token;
      delete body.refresh_token;
    },
  },
  {
    method: 'POST',
    path: /^\/api\/v3\/webhooks$/,
    fields: (body) => {
      const data = body.data as Record<string, unknown> | undefined;
      if (data && typeof data === 'object') delete data.secret;
    },
  },
  {
    method: 'POST',
    path: /^\/api\/v3\/users\/[^/]+\/logins\/(apikey|\d+\/rotate)$/,
    fields: (body) => {
      const data = body.data as Record<string, unknown> | undefined;
      if (data && typeof data === 'object') delete data.parameters;
    },
  },
  {
    method: 'POST',
    path: /^\/api\/graphql$/,
    fields: (body) => {
      const created = (body.data as { createApiKey?: { key?: unknown } } | null | undefined)?.createApiKey;
      if (created && typeof created === 'object') delete created.key;
    },
  },
  {
    method: 'GET',
    path: /^\/api\/v3\/authentication\/keys\/totp-secret$/,
    fields: (body) => {
      const data = body.data as Record<string, unknown> | undefined;
      if (data && typeof data === 'object') {
        delete data.secret;
        delete data.secretUrl;
      }
    },
  },
];

/**
 * Every secret a suite handled in clear: keys it was shown, passwords it set, tokens it received.
 * `leaks()` then proves none of them reached the database, the logs, or any answer other than
 * the one that issued it (and there only in the field meant for it).
 */
export class SecretLedger {
  private readonly secrets = new Map<string, SecretKind>();

  add(kind: SecretKind, value: unknown): void {
    if (typeof value === 'string' && value.length >= 8) this.secrets.set(value, kind);
  }

  get size(): number {
    return this.secrets.size;
  }

  count(kind: SecretKind): number {
    return [...this.secrets.values()].filter((k) => k === kind).length;
  }

  /**
   * What must never appear: the whole value and, for keys, the part after the public display prefix;
   * for webhook signing secrets, the part after `whsec_`.
   */
  private needles(): { kind: SecretKind; needle: string }[] {
    return [...this.secrets].flatMap(([value, kind]) => [
      { kind, needle: value },
      ...(kind === 'apiKey' ? [{ kind, needle: value.slice(11) }] : []),
      ...(kind === 'signingSecret' ? [{ kind, needle: value.slice('whsec_'.length) }] : []),
    ]);
  }

  /** Leaks in text from elsewhere (what a webhook receiver got, say), described as `where`. */
  leaksIn(where: string, text: string): string[] {
    return [...new Set(this.needles().filter(({ needle }) => text.includes(needle)).map(({ kind }) => `${kind} in ${where}`))];
  }

  /** Descriptions of every leak found; empty when clean. */
  async leaks(t: TestApp): Promise<string[]> {
    const found: string[] = [];
    const needles = this.needles();
    const scan = (where: string, text: string) => {
      for (const { kind, needle } of needles) if (text.includes(needle)) found.push(`${kind} in ${where}`);
    };
    scan('the database', await databaseText(t.db));
    scan('the logs', t.logs.lines.join('\n'));
    for (const response of t.responses) scan(`${response.method} ${response.url} → ${response.status}`, responseRemainder(response));
    return [...new Set(found)];
  }
}

/** The body with the fields that legitimately carry a fresh secret removed. */
function responseRemainder(response: RecordedResponse): string {
  const path = response.url.split('?')[0];
  const issuing = ISSUING_ROUTES.find((route) => route.method === response.method && route.path.test(path));
  if (!issuing || response.status !== 200) return response.body;
  try {
    const body = JSON.parse(response.body) as Record<string, unknown>;
    issuing.fields(body);
    return JSON.stringify(body);
  } catch {
    return response.body;
  }
}
