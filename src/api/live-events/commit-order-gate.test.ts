import { describe, expect, it } from 'vitest';
import { CommitOrderGate } from './commit-order-gate.ts';

const rows = (...ids: number[]) => ids.map((id) => ({ seq: BigInt(id) }));
const seqs = (released: Array<{ seq: bigint }>) => released.map((row) => Number(row.seq));
const snapshot = (xmin: number, xmax: number) => ({ xmin: BigInt(xmin), xmax: BigInt(xmax) });
const options = { graceMs: 100, maxWaitMs: 10_000 };

describe('CommitOrderGate', () => {
  it('releases contiguous ids and moves its cursor', () => {
    const gate = new CommitOrderGate(10n, options);
    const result = gate.accept(rows(11, 12, 13), snapshot(500, 500), 0);
    expect(seqs(result.released)).toEqual([11, 12, 13]);
    expect(result.waiting).toBe(false);
    expect(gate.cursor).toBe(13n);
  });

  it('ignores rows it already released', () => {
    const gate = new CommitOrderGate(12n, options);
    expect(seqs(gate.accept(rows(11, 12, 13), snapshot(500, 500), 0).released)).toEqual([13]);
  });

  it('holds everything after a hole until the hole fills', () => {
    const gate = new CommitOrderGate(10n, options);
    const first = gate.accept(rows(11, 13, 14), snapshot(500, 510), 0);
    expect(seqs(first.released)).toEqual([11]);
    expect(first.waiting).toBe(true);
    expect(gate.cursor).toBe(11n);
    // Still running (xmin has not passed the horizon 510): keep holding, however often we look.
    expect(gate.accept(rows(13, 14), snapshot(505, 520), 5_000).released).toEqual([]);
    const filled = gate.accept(rows(12, 13, 14), snapshot(505, 520), 5_001);
    expect(seqs(filled.released)).toEqual([12, 13, 14]);
    expect(filled.waiting).toBe(false);
  });

  it('skips a hole once every transaction running when it was seen has ended, after the grace period', () => {
    const gate = new CommitOrderGate(10n, options);
    gate.accept(rows(12), snapshot(500, 510), 1_000);
    // The horizon is passed, but the grace period is not over.
    expect(gate.accept(rows(12), snapshot(510, 512), 1_050).released).toEqual([]);
    const result = gate.accept(rows(12), snapshot(510, 512), 1_100);
    expect(seqs(result.released)).toEqual([12]);
    expect(result.skipped).toEqual([{ from: 11n, to: 11n, timedOut: false }]);
  });

  it('gives a hole up after maxWaitMs even if a transaction is still running', () => {
    const gate = new CommitOrderGate(10n, options);
    gate.accept(rows(15), snapshot(500, 510), 0);
    expect(gate.accept(rows(15), snapshot(500, 600), 9_999).released).toEqual([]);
    const result = gate.accept(rows(15), snapshot(500, 600), 10_000);
    expect(seqs(result.released)).toEqual([15]);
    expect(result.skipped).toEqual([{ from: 11n, to: 14n, timedOut: true }]);
  });

  it('judges a second hole on its own, from when it was first seen', () => {
    const gate = new CommitOrderGate(10n, options);
    gate.accept(rows(12, 14), snapshot(500, 510), 0);
    const result = gate.accept(rows(12, 14), snapshot(520, 530), 200);
    expect(seqs(result.released)).toEqual([12]);
    expect(result.waiting).toBe(true);
    expect(gate.cursor).toBe(12n);
    // Hole 13 was first seen at 200 with horizon 530.
    expect(gate.accept(rows(14), snapshot(525, 540), 400).released).toEqual([]);
    expect(seqs(gate.accept(rows(14), snapshot(530, 540), 400).released)).toEqual([14]);
  });
});
