// A small HTTP client for the soak: keep-alive, JSON or form bodies, every answer timed, no throw
// on a transport error (the error is part of the record). Each request carries its own
// X-Request-Id, so a request can be found in HAProxy's log and in the instance's request log.
import http from 'node:http';

let sequence = 0;

/** A short plain request id (Latchkey keeps ids matching [A-Za-z0-9._:-]{1,64}). */
export function requestId(prefix = 's') {
  sequence += 1;
  return `soak-${prefix}-${process.pid}-${sequence}`;
}

/**
 * Idle keep-alive connections are closed after 4 s, as Node's global agent does after 5 s: below
 * HAProxy's 10 s `timeout http-keep-alive`, so a request never races HAProxy closing an idle
 * connection, and an instance that stops is not held open by an idle connection of this client.
 */
const IDLE_MS = 4000;

export function createClient(base, { sockets = 32, timeoutMs = 30_000, keepAlive = true } = {}) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive, maxSockets: sockets, keepAliveMsecs: 1000, timeout: IDLE_MS });

  /**
   * One request. `body` is sent as JSON unless `form` is set. Resolves with
   * { status, body, headers, t0, t1, id, error } — status 0 and `error` on a transport failure.
   */
  function request(method, path, { headers = {}, body, form, id = requestId(), timeout = timeoutMs } = {}) {
    return new Promise((resolve) => {
      const t0 = Date.now();
      const allHeaders = { 'x-request-id': id, ...headers };
      let payload;
      if (form) {
        payload = new URLSearchParams(form).toString();
        allHeaders['content-type'] = 'application/x-www-form-urlencoded';
      } else if (body !== undefined) {
        payload = JSON.stringify(body);
        allHeaders['content-type'] = 'application/json';
      }
      if (payload !== undefined) allHeaders['content-length'] = Buffer.byteLength(payload);
      let settled = false;
      const done = (result) => {
        if (settled) return;
        settled = true;
        resolve({ id, method, path, t0, t1: Date.now(), ...result });
      };
      const req = http.request({ host: url.hostname, port: url.port, path, method, headers: allHeaders, agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', (error) => done({ status: 0, error: error.code ?? error.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed = text;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          done({ status: res.statusCode, body: parsed, headers: res.headers, servedBy: res.headers['x-served-by'] ?? null });
        });
      });
      req.setTimeout(timeout, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error) => done({ status: 0, error: error.code ?? error.message }));
      req.end(payload);
    });
  }

  return {
    base,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    patch: (path, options) => request('PATCH', path, options),
    delete: (path, options) => request('DELETE', path, options),
    close: () => agent.destroy(),
  };
}

/** Authorization header for a key or an access token. */
export function bearer(credential) {
  return { authorization: `Bearer ${credential}` };
}
