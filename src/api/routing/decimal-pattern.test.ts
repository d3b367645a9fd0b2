import { describe, expect, it } from 'vitest';
import { decimalAtMost } from './decimal-pattern.ts';

const MAX_BIGINT = '9223372036854775807';

describe('decimalAtMost', () => {
  const pattern = decimalAtMost(MAX_BIGINT);
  /** The rule the pattern stands for, spelled with BigInt. */
  const atMost = (text: string) => /^\d{1,19}$/.test(text) && BigInt(text) <= BigInt(MAX_BIGINT);

  it('agrees with BigInt around every digit of the bound', () => {
    const samples = ['0', '7', '42', '0000000000000000000', '999999999999999999', MAX_BIGINT, '9223372036854775808', '9223372036854775799'];
    for (let index = 0; index < MAX_BIGINT.length; index++) {
      for (const delta of [-1n, 1n]) {
        const digit = BigInt(MAX_BIGINT) + delta * 10n ** BigInt(MAX_BIGINT.length - 1 - index);
        samples.push(digit.toString().padStart(19, '0').slice(-19), digit.toString());
      }
    }
    for (const sample of samples) expect(pattern.test(sample), sample).toBe(atMost(sample));
  });

  it('refuses what is not a short enough decimal', () => {
    for (const sample of ['', '-1', '1.0', ' 1', '1e3', '00000000000000000000', '10000000000000000000']) {
      expect(pattern.test(sample), sample).toBe(false);
    }
  });

  it('agrees with BigInt on random decimals of every width', () => {
    for (let run = 0; run < 2000; run++) {
      const width = 1 + Math.floor(Math.random() * 20);
      const sample = Array.from({ length: width }, () => Math.floor(Math.random() * 10)).join('');
      expect(pattern.test(sample), sample).toBe(atMost(sample));
    }
  });

  it('works for small bounds', () => {
    const upTo120 = decimalAtMost('120');
    expect(['0', '99', '100', '119', '120', '007'].every((text) => upTo120.test(text))).toBe(true);
    expect(['121', '130', '200', '999', '1000'].some((text) => upTo120.test(text))).toBe(false);
  });
});
