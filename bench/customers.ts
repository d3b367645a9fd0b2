// Distinct customer phone numbers. Each scenario takes its own block, so conversations never
// leak from one scenario into another, and a random base per run keeps runs apart when a real
// PostgreSQL (DATABASE_URL) outlives the run.
import { randomInt } from 'node:crypto';

/** +1 555 and seven digits: fictional North American numbers, valid E.164. */
const PREFIX = '+1555';
const SPACE = 10_000_000;

export interface CustomerBlock {
  /** First number of the block, as an offset into the seven-digit space. */
  first: number;
  count: number;
}

export function customerNumber(block: CustomerBlock, index: number): string {
  const offset = (block.first + (index % block.count)) % SPACE;
  return PREFIX + String(offset).padStart(7, '0');
}

export class CustomerAllocator {
  private next = randomInt(0, SPACE);

  take(count: number): CustomerBlock {
    const block = { first: this.next, count };
    this.next = (this.next + count) % SPACE;
    return block;
  }
}
