import { describe, expect, it } from 'vitest';
import { BufferPool, ViewPool } from './bufferPool';

describe('BufferPool', () => {
  it('gives back the smallest free buffer that is large enough and not more than twice the size, else a new one with room', () => {
    const pool = new BufferPool();
    const small = new ArrayBuffer(1000);
    const large = new ArrayBuffer(1 << 20);
    const huge = new ArrayBuffer(8 << 20);
    pool.give([huge, large, small]);
    expect(pool.take(900)).toBe(small);
    expect(pool.take(600_000)).toBe(large);
    // 8 MB is more than twice 1 MB: a new buffer, an eighth larger than asked.
    const fresh = pool.take(1 << 20);
    expect(fresh).not.toBe(huge);
    expect(fresh.byteLength).toBe((1 << 20) + (1 << 17));
    expect(pool.size).toBe(1);
  });

  it('copies a typed array into a pooled buffer as a view of exactly its length, whatever the buffer held before', () => {
    const pool = new BufferPool();
    const used = new ArrayBuffer(40);
    new Uint8Array(used).fill(255);
    pool.give([used]);
    const source = BigInt64Array.from([1n, -2n, 3n ** 40n]);
    const copy = pool.copy(source);
    expect(copy).toBeInstanceOf(BigInt64Array);
    expect(copy.buffer).toBe(used);
    expect(copy.byteOffset).toBe(0);
    expect(Array.from(copy)).toEqual(Array.from(source));
  });

  it('holds at most the last hand-back with replace: buffers no read took are dropped', () => {
    const pool = new BufferPool();
    const stale = new ArrayBuffer(64);
    pool.give([stale]);
    const next = new ArrayBuffer(64);
    pool.replace([next]);
    expect(pool.size).toBe(1);
    expect(pool.take(64)).toBe(next);
  });

  it('keeps at most maxBuffers and skips empty (detached) buffers', () => {
    const pool = new BufferPool(2);
    pool.give([new ArrayBuffer(0), new ArrayBuffer(8), new ArrayBuffer(8), new ArrayBuffer(8)]);
    expect(pool.size).toBe(2);
  });

  it('ViewPool takes back only views of its own buffers, also after a transfer made a new ArrayBuffer over them', () => {
    const pool = new ViewPool(2);
    const view = pool.take(1000);
    expect(view.byteLength).toBe(1000);
    expect(view.byteOffset).toBe(0);
    view.fill(7);
    // A store's own object (a memory store's) handed in by mistake is never written over.
    const stored = new Uint8Array(1000).fill(1);
    pool.give(stored);
    expect(pool.size).toBe(0);
    const again = pool.take(1000);
    expect(again.buffer).not.toBe(stored.buffer);
    expect(again.buffer).not.toBe(view.buffer);
    // A transfer to a thread and back: structuredClone with transfer stands for the round trip.
    const back = structuredClone(view, { transfer: [view.buffer as ArrayBuffer] });
    expect(view.byteLength).toBe(0);
    expect(pool.owns(back)).toBe(false);
    pool.adopt(back);
    pool.give(back);
    expect(pool.size).toBe(1);
    expect(pool.take(900).buffer).toBe(back.buffer);
    // Given twice by mistake: kept once.
    pool.give(again);
    pool.give(again);
    expect(pool.size).toBe(1);
  });
});
