/** Fargate sizes: the smallest valid size holding both requests, moving up a CPU tier rather than clamping. */
import { describe, expect, it } from 'vitest';
import { FARGATE_TIERS, isValidFargateSize, pickFargateSize } from '../../electron/plan/sizing';
import { AppErrorException } from '../../shared/result';

describe('Fargate sizing', () => {
  it('gives 256 CPU / 512 MiB when nothing is written', () => {
    expect(pickFargateSize({})).toEqual({ cpu: 256, memory: 512 });
    expect(pickFargateSize({ cpu: 0, memory: 0 })).toEqual({ cpu: 256, memory: 512 });
  });

  it('takes the smallest size that holds the CPU and the memory', () => {
    expect(pickFargateSize({ cpu: 256 })).toEqual({ cpu: 256, memory: 512 });
    expect(pickFargateSize({ cpu: 257 })).toEqual({ cpu: 512, memory: 1024 });
    expect(pickFargateSize({ memory: 512 })).toEqual({ cpu: 256, memory: 512 });
    expect(pickFargateSize({ memory: 513 })).toEqual({ cpu: 256, memory: 1024 });
    expect(pickFargateSize({ cpu: 512, memory: 512 })).toEqual({ cpu: 512, memory: 1024 });
    expect(pickFargateSize({ cpu: 1024, memory: 8192 })).toEqual({ cpu: 1024, memory: 8192 });
    expect(pickFargateSize({ cpu: 2048, memory: 4097 })).toEqual({ cpu: 2048, memory: 5120 });
  });

  it('moves up a CPU tier when the memory does not fit, rather than clamping', () => {
    expect(pickFargateSize({ cpu: 256, memory: 2049 })).toEqual({ cpu: 512, memory: 3072 });
    expect(pickFargateSize({ cpu: 512, memory: 4097 })).toEqual({ cpu: 1024, memory: 5120 });
    expect(pickFargateSize({ memory: 30721 })).toEqual({ cpu: 8192, memory: 32768 });
    expect(pickFargateSize({ cpu: 4096, memory: 61441 })).toEqual({ cpu: 16384, memory: 65536 });
  });

  it('holds the largest size and refuses anything beyond the table', () => {
    expect(pickFargateSize({ cpu: 16384, memory: 122880 })).toEqual({ cpu: 16384, memory: 122880 });
    for (const request of [{ cpu: 16385 }, { memory: 122881 }]) {
      try {
        pickFargateSize(request);
        expect.unreachable('beyond the table must fail');
      } catch (error) {
        expect(error).toBeInstanceOf(AppErrorException);
        expect((error as AppErrorException).code).toBe('PLAN_INVALID');
      }
    }
  });

  it('every picked size is valid, and every valid size picks itself', () => {
    for (const tier of FARGATE_TIERS) {
      for (const memory of tier.memories) {
        expect(isValidFargateSize({ cpu: tier.cpu, memory })).toBe(true);
        expect(pickFargateSize({ cpu: tier.cpu, memory })).toEqual({ cpu: tier.cpu, memory });
      }
    }
    expect(isValidFargateSize({ cpu: 256, memory: 4096 })).toBe(false);
    expect(isValidFargateSize({ cpu: 8192, memory: 18432 })).toBe(false);
  });
});
