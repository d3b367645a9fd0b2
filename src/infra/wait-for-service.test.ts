// The wait for a service: retried with growing, capped delays, each wait logged at warn without
// credentials, permanent errors and a stop request ending it at once.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { backoffDelay, describeDatabaseUrl, describeError, redactUrlCredentials, retryUntilAvailable } from './wait-for-service.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('retryUntilAvailable', () => {
  it('retries until the attempt works, logging each wait at warn with the next delay', async () => {
    const { log, lines } = capturingLogger();
    let calls = 0;
    const result = await retryUntilAvailable(
      'PostgreSQL',
      async () => {
        calls += 1;
        if (calls < 4) throw refused();
        return 'migrated';
      },
      { log, initialDelayMs: 4, maxDelayMs: 10, context: { database: 'postgresql://db:5432/sms' } },
    );
    expect(result).toBe('migrated');
    expect(calls).toBe(4);
    const waits = lines.filter((line) => line.level === 40);
    expect(waits.map((line) => line.attempt)).toEqual([1, 2, 3]);
    for (const line of waits) {
      expect(line).toMatchObject({ waitingFor: 'PostgreSQL', database: 'postgresql://db:5432/sms', reason: 'connect ECONNREFUSED 127.0.0.1:5432' });
      expect(line.retryInMs).toBeLessThanOrEqual(10);
      expect(line.msg).toBe(`PostgreSQL is not available yet; next attempt in ${String(line.retryInMs)} ms`);
    }
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'PostgreSQL is available', attempts: 4 });
  });

  it('throws a permanent error at once', async () => {
    const { log, lines } = capturingLogger();
    let calls = 0;
    const badPassword = Object.assign(new Error('password authentication failed for user "sms"'), { code: '28P01' });
    await expect(
      retryUntilAvailable(
        'PostgreSQL',
        async () => {
          calls += 1;
          throw badPassword;
        },
        { log, isPermanent: (error) => (error as { code?: string }).code === '28P01' },
      ),
    ).rejects.toBe(badPassword);
    expect(calls).toBe(1);
    expect(lines).toEqual([]);
  });

  it('ends the wait as soon as the signal is aborted, between attempts or during one', async () => {
    const { log } = capturingLogger();
    const betweenAttempts = new AbortController();
    const waiting = retryUntilAvailable('Temporal', async () => Promise.reject(refused()), {
      log,
      signal: betweenAttempts.signal,
      initialDelayMs: 60_000,
    });
    setTimeout(() => betweenAttempts.abort(new Error('stopping')), 20);
    const startedAt = Date.now();
    await expect(waiting).rejects.toThrow('stopping');
    expect(Date.now() - startedAt).toBeLessThan(1_000);

    const duringAttempt = new AbortController();
    const hanging = retryUntilAvailable('Temporal', () => new Promise<never>(() => undefined), { log, signal: duringAttempt.signal });
    setTimeout(() => duringAttempt.abort(new Error('stopping')), 20);
    await expect(hanging).rejects.toThrow('stopping');
  });
});

describe('backoffDelay', () => {
  it.each([
    [1, 0, 125],
    [1, 1, 250],
    [2, 1, 500],
    [5, 1, 4_000],
    [6, 1, 8_000],
    [7, 1, 10_000],
    [50, 1, 10_000],
    [50, 0, 5_000],
  ])('after %i failures with random %d waits %i ms (doubling from 250 ms, capped at 10 s, equal jitter)', (failures, random, expected) => {
    expect(backoffDelay(failures, {}, () => random)).toBe(expected);
  });
});

describe('what the wait logs', () => {
  it.each([
    ['connect to postgresql://sms:s3cret@db:5432/sms failed', 'connect to postgresql://sms:***@db:5432/sms failed'],
    ['postgres://user:p%40ss@host/db and http://a:b@c', 'postgres://user:***@host/db and http://a:***@c'],
    ['no url here', 'no url here'],
  ])('scrubs passwords from %j', (text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected);
  });

  it('names a database by host, port and name only', () => {
    expect(describeDatabaseUrl('postgresql://sms:s3cret@db.internal:5433/sms?password=also-secret&sslmode=require')).toBe(
      'postgresql://db.internal:5433/sms',
    );
  });

  it('describes an error by its message and code, and the first of an AggregateError', () => {
    expect(describeError(Object.assign(new Error('database "x" does not exist'), { code: '3D000' }))).toBe('database "x" does not exist (3D000)');
    expect(describeError(new AggregateError([refused()], ''))).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeError(new Error('bad url postgresql://u:pw@h/d'))).toBe('bad url postgresql://u:***@h/d');
  });
});
