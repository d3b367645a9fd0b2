// The agent console (console/, built by `npm run build:console` into console/dist), served by
// the API process itself at /sms — one origin, so the session cookie, CSRF token and live-event
// stream need no CORS. `GET /` redirects there. Any /sms/* path that is not a built file gets
// index.html (the page routes itself, e.g. /sms/c/<id>). Hashed assets are cached for a year;
// index.html is revalidated every time, so a deploy is picked up on the next load.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Middleware } from 'koa';
import send from 'koa-send';

export const CONSOLE_PATH = '/sms';
export const DEFAULT_CONSOLE_DIST = fileURLToPath(new URL('../../console/dist', import.meta.url));

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The page runs only its own bundled script and style: no inline code (so injected markup
 * cannot run), no other origin (no CDN), never framed (clickjacking).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

function setSecurityHeaders(ctx: Context): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) ctx.set(name, value);
}

export function consoleAssets(options: { distDir?: string } = {}): Middleware {
  const root = options.distDir ?? DEFAULT_CONSOLE_DIST;
  const index = path.join(root, 'index.html');

  return async (ctx, next) => {
    if (ctx.path === '/' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.redirect(`${CONSOLE_PATH}`);
      return;
    }
    const inConsole = ctx.path === CONSOLE_PATH || ctx.path.startsWith(`${CONSOLE_PATH}/`);
    if (!inConsole) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      return;
    }
    setSecurityHeaders(ctx);
    if (!existsSync(index)) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The agent console has not been built. Run `npm run build:console` (npm install and npm start do it), then reload.\n';
      return;
    }
    const file = ctx.path.slice(CONSOLE_PATH.length).replace(/^\/+/, '');
    if (file.startsWith('assets/')) {
      // Vite names these by content hash: a changed file gets a new name.
      try {
        await send(ctx, file, { root, immutable: true, maxage: YEAR_MS, gzip: false, brotli: false });
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        ctx.status = 404;
        ctx.type = 'text/plain';
        ctx.body = 'Not found\n';
      }
      return;
    }
    // Every other path is a screen of the page.
    await send(ctx, 'index.html', { root, gzip: false, brotli: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
  };
}
