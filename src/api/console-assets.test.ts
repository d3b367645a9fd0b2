// The console's page as the API serves it: / redirects, every /sms path gets the page (the page
// routes itself), hashed assets are cached for good and index.html never, the security headers
// are on everything, nothing outside the build can be read, and other paths fall through.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAssets } from './console-assets.ts';

let dir: string;
let server: Server;
let baseUrl: string;

async function listen(distDir: string): Promise<{ server: Server; url: string }> {
  const app = new Koa();
  app.use(consoleAssets({ distDir }));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found', message: 'fell through' } };
  });
  const listening = createServer(app.callback());
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return { server: listening, url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'console-assets-'));
  await mkdir(path.join(dir, 'dist', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'dist', 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(path.join(dir, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the build');
  ({ server, url: baseUrl } = await listen(path.join(dir, 'dist')));
});

afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string) => fetch(url, { redirect: 'manual' });

describe('the console page served by the API', () => {
  it('redirects / to /sms', async () => {
    const response = await get(`${baseUrl}/`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/sms');
  });

  it.each(['/sms', '/sms/', '/sms/c/3f1c2f0e-8a4b-4c1e-9c1d-2a6b1e0f9a77'])('answers %s with index.html, never cached, with the security headers', async (route) => {
    const response = await get(baseUrl + route);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<title>console</title>');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves hashed assets for a year, immutable', async () => {
    const response = await get(`${baseUrl}/sms/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('max-age=31536000,immutable');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 404 for a missing asset and never reads outside the build', async () => {
    expect((await get(`${baseUrl}/sms/assets/nope.js`)).status).toBe(404);
    for (const sneaky of ['/sms/assets/..%2f..%2fsecret.txt', '/sms/assets/%2e%2e/%2e%2e/secret.txt']) {
      const response = await get(baseUrl + sneaky);
      expect(await response.text()).not.toContain('outside the build');
    }
  });

  it('refuses writes to the page and leaves every other path to the API', async () => {
    expect((await fetch(`${baseUrl}/sms`, { method: 'POST' })).status).toBe(405);
    const other = await get(`${baseUrl}/api/anything`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: { code: 'not_found', message: 'fell through' } });
  });

  it('says how to build the page when it has not been built', async () => {
    const { server: bare, url } = await listen(path.join(dir, 'no-such-dist'));
    try {
      const response = await get(`${url}/sms`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:console');
    } finally {
      bare.close();
    }
  });
});
