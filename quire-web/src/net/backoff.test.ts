import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('grows the window exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, top)).toBe(499);
    expect(backoffDelay(1, top)).toBe(999);
    expect(backoffDelay(3, top)).toBe(3999);
    expect(backoffDelay(10, top)).toBe(14999);
    expect(backoffDelay(1000, top)).toBe(14999);
  });
  it('jitters across the whole window but never goes below 100 ms', () => {
    expect(backoffDelay(5, () => 0)).toBe(100);
    expect(backoffDelay(4, () => 0.5)).toBe(4000);
  });
});
