/*
 * The paths a `web` route serves without a session (PingGateway's static-resources route):
 * "/favicon.ico" is exact, "/static/" (a trailing slash) is a prefix, and a pattern with "*" is
 * a glob where "*" stays within one segment and "**" crosses segments.
 */

/** A request path is never public when the upstream could read it as another path (dot segments, encoded slashes or dots, backslashes). */
const AMBIGUOUS = /(^|\/)\.{1,2}(\/|$)|%2e|%2f|%5c|\\/i;

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A matcher over the raw request path (before any decoding). */
export type PublicPathMatcher = (rawPath: string) => boolean;

/**
 * Compiles the configured public paths once.
 *
 * @example
 * const isPublic = compilePublicPaths(['/static/', '/favicon.ico', '/assets/**']);
 * isPublic('/static/app.css'); // true
 * isPublic('/static/../admin'); // false: a dot segment is never public
 */
export function compilePublicPaths(paths: readonly string[]): PublicPathMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const globs: RegExp[] = [];
  for (const path of paths) {
    if (path.includes('*')) globs.push(globToRegExp(path));
    else if (path.endsWith('/')) prefixes.push(path);
    else exact.add(path);
  }
  return (rawPath) => {
    // The upstream may normalise "/static/../admin" to "/admin": such a path takes the login like any other.
    if (AMBIGUOUS.test(rawPath)) return false;
    return exact.has(rawPath) || prefixes.some((p) => rawPath.startsWith(p)) || globs.some((g) => g.test(rawPath));
  };
}

/** Whether a configured public path lies under the route's path (else it could never match). */
export function isPublicPathInside(publicPath: string, routePath: string): boolean {
  if (routePath === '/') return true;
  return publicPath === routePath || publicPath.startsWith(`${routePath}/`);
}
