/**
 * Canonical form of a request path for prefix rules, or null when the path tries to escape
 * one: dot segments, encoded slashes or backslashes, NUL, or undecodable escapes.
 */
export function canonicalPath(rawPath: string): string | null {
  const path = rawPath.split('?')[0];
  if (/%(2f|5c|00)/i.test(path) || path.includes('\\')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) return null;
  return decoded.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}

/** Haplo rule: a prefix matches at a segment boundary; `=path` matches that path only. */
export function pathAllowed(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => {
    if (prefix.startsWith('=')) return path === prefix.slice(1);
    const base = prefix.length > 1 ? prefix.replace(/\/$/, '') : prefix;
    return path === base || path.startsWith(base === '/' ? '/' : base + '/');
  });
}
