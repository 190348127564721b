import type { Response } from 'supertest';
import { expect } from 'vitest';
import type { Role } from '../../src/access/roles.js';
import type { UserTitle } from '../../src/users/user.entity.js';
import { ADMIN, type TestApp } from './harness.js';

export const API = '/api/v3';

export interface Session {
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

export async function login(t: TestApp, username = ADMIN.username, password = ADMIN.password, extra: Record<string, string> = {}): Promise<Session> {
  const res = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username, password, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { accessToken: res.body.access_token, refreshToken: res.body.refresh_token, auth: { Authorization: `Bearer ${res.body.access_token}` } };
}

export async function me(t: TestApp, auth: Record<string, string>): Promise<{ instanceUid: string; organizationUid: string }> {
  const res = await t.http.get(`${API}/users/me`).set(auth);
  expect(res.status).toBe(200);
  return res.body.data;
}

export async function createCompany(t: TestApp, auth: Record<string, string>, name: string): Promise<string> {
  const res = await t.http.post(`${API}/organizations/companies`).set(auth).send({ name });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.instanceUid;
}

/** VSPC's `UserProfile` as a test gives it. */
export interface ProfileInput {
  firstName?: string | null;
  lastName?: string | null;
  title?: UserTitle;
  email?: string | null;
  address?: string | null;
  phone?: string | null;
}

/** VSPC's `UserInput` (plus Latchkey's `isService`), as `POST /users` takes it. */
export interface UserInput {
  organizationUid?: string;
  role: Role;
  profile: ProfileInput;
  credentials: { userName: string; password?: string | null };
  mfaPolicyStatus?: 'Disabled';
  isService?: boolean;
}

export const TEST_PASSWORD = 'password-123';

/**
 * A `UserInput` from what a test varies: the user name, the role, and optionally the company, a
 * password (TEST_PASSWORD by default; none for a service user unless given), the profile.
 */
export function userInput(
  userName: string,
  role: Role,
  options: { organizationUid?: string; password?: string; isService?: boolean; profile?: ProfileInput } = {},
): UserInput {
  const password = options.password ?? (options.isService ? undefined : TEST_PASSWORD);
  return {
    ...(options.organizationUid ? { organizationUid: options.organizationUid } : {}),
    role,
    profile: options.profile ?? {},
    credentials: password === undefined ? { userName } : { userName, password },
    ...(options.isService === undefined ? {} : { isService: options.isService }),
  };
}

export async function createUser(t: TestApp, auth: Record<string, string>, input: UserInput): Promise<string> {
  const res = await t.http.post(`${API}/users`).set(auth).send(input);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.instanceUid;
}

export interface CreatedKey {
  id: number;
  key: string;
  body: Record<string, unknown>;
}

export async function createKey(t: TestApp, auth: Record<string, string>, userUid: string, body: Record<string, unknown> = {}): Promise<CreatedKey> {
  const res = await t.http.post(`${API}/users/${userUid}/logins/apikey`).set(auth).send({ description: 'test key', scopes: ['rest'], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { id: res.body.data.id, key: res.body.data.parameters, body: res.body.data };
}

/** Every error answer is the VSPC envelope. */
export function expectEnvelopeError(res: Response, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.errors).toBeInstanceOf(Array);
  expect(res.body.errors[0]).toMatchObject({ message: expect.any(String), type: expect.any(String), code: status });
}
