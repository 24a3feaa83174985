import { describe, expect, it } from 'vitest';
import { AppErrorException } from '../../shared/result';
import { FARGATE_TIERS, fargateSize } from './fargate';

describe('fargateSize (golden, every tier boundary)', () => {
  it('gives 256 CPU / 512 MiB when nothing is written', () => {
    expect(fargateSize()).toEqual({ cpu: 256, memory: 512 });
  });

  it.each([
    // [cpus, memoryMiB, cpu, memory]
    [0.25, undefined, 256, 512],
    [0.25, 512, 256, 512],
    [0.25, 513, 256, 1024],
    [0.25, 1024, 256, 1024],
    [0.25, 2048, 256, 2048],
    [0.25, 2049, 512, 3072], // moves up a tier rather than clamp
    [0.26, undefined, 512, 1024],
    [0.5, undefined, 512, 1024],
    [0.5, 512, 512, 1024],
    [0.5, 4096, 512, 4096],
    [0.5, 4097, 1024, 5120],
    [1, undefined, 1024, 2048],
    [1, 8192, 1024, 8192],
    [1, 8193, 2048, 9216],
    [2, undefined, 2048, 4096],
    [2, 16384, 2048, 16384],
    [2, 16385, 4096, 17408],
    [4, undefined, 4096, 8192],
    [4, 30720, 4096, 30720],
    [4, 30721, 8192, 32768],
    [8, undefined, 8192, 16384],
    [8, 16385, 8192, 20480], // 4 GB steps
    [8, 61440, 8192, 61440],
    [8, 61441, 16384, 65536], // 8 GB steps
    [16, undefined, 16384, 32768],
    [16, 122880, 16384, 122880],
    [undefined, 512, 256, 512],
    [undefined, 2048, 256, 2048],
    [undefined, 3072, 512, 3072],
    [undefined, 8192, 1024, 8192],
    [undefined, 9216, 2048, 9216],
    [undefined, 16384, 2048, 16384],
    [undefined, 30720, 4096, 30720],
    [undefined, 32768, 8192, 32768],
    [undefined, 61440, 8192, 61440],
    [undefined, 65536, 16384, 65536],
    [undefined, 122880, 16384, 122880],
    [0, 0, 256, 512],
    [0.1, 100.5, 256, 512],
  ])('cpus %s, memory %s MiB → %i CPU / %i MiB', (cpus, memory, cpu, mem) => {
    expect(fargateSize(cpus, memory)).toEqual({ cpu, memory: mem });
  });

  it.each([
    [16.01, undefined],
    [32, undefined],
    [undefined, 122881],
    [1, 200_000],
  ])('refuses cpus %s, memory %s beyond the table with LIMIT_EXCEEDED', (cpus, memory) => {
    try {
      fargateSize(cpus, memory);
      expect.unreachable('should have raised');
    } catch (error) {
      expect(error).toBeInstanceOf(AppErrorException);
      expect((error as AppErrorException).code).toBe('LIMIT_EXCEEDED');
    }
  });

  it.each([
    [-1, undefined],
    [Number.NaN, undefined],
    [undefined, -5],
    [Number.POSITIVE_INFINITY, undefined],
  ])('refuses invalid cpus %s / memory %s with INVALID_ARGUMENT', (cpus, memory) => {
    expect(() => fargateSize(cpus, memory)).toThrow(AppErrorException);
  });

  it('every result is a valid Fargate combination', () => {
    for (let cpus = 0; cpus <= 16; cpus += 0.25) {
      for (let gib = 0; gib <= 120; gib += 7) {
        const size = fargateSize(cpus, gib * 1024);
        const tier = FARGATE_TIERS.find((t) => t.cpu === size.cpu);
        expect(tier?.memory).toContain(size.memory);
        expect(size.cpu).toBeGreaterThanOrEqual(cpus * 1024);
        expect(size.memory).toBeGreaterThanOrEqual(gib * 1024);
      }
    }
  });
});
