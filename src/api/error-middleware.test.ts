// The error middleware on a real Koa server: a database's or driver's error text reaches the
// log, never the client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Prisma } from '../generated/prisma/client.ts';
import { errorMiddleware } from './error-middleware.ts';
import { HttpError } from './http-error.ts';

const DATABASE_TEXT = 'invalid byte sequence for encoding "UTF8": 0x00';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function answerTo(error: unknown): Promise<{ status: number; body: string; log: string }> {
  let log = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log += String(chunk);
      done();
    },
  });
  const app = new Koa();
  app.use(errorMiddleware(pino({ level: 'info' }, sink)));
  app.use(() => {
    throw error;
  });
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return { status: response.status, body: await response.text(), log };
}

function pgError(): Error {
  const error = new pg.DatabaseError(DATABASE_TEXT, 100, 'error');
  error.code = '22021';
  error.severity = 'ERROR';
  return error;
}

describe('errorMiddleware', () => {
  it.each([
    ['a PostgreSQL error', pgError],
    ['a Prisma known request error', () => new Prisma.PrismaClientKnownRequestError(DATABASE_TEXT, { code: 'P2000', clientVersion: '7' })],
    ['a plain error', () => new Error(DATABASE_TEXT)],
  ])('answers %s with a generic 500 and logs the text', async (_label, make) => {
    const answer = await answerTo(make());
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
    expect(answer.log).toContain('0x00');
  });

  it('logs the cause of a 5xx HttpError but answers only its own message', async () => {
    const answer = await answerTo(new HttpError(502, 'send_failed', 'Could not send', undefined, { cause: pgError() }));
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'send_failed', message: 'Could not send' } });
    expect(answer.body).not.toContain('0x00');
    expect(answer.log).toContain('0x00');
  });
});
