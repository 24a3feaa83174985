/** The planner accepts exactly the sizes of the Fargate table (sizes are picked by the compose engine). */
import { describe, expect, it } from 'vitest';
import { fargateSize } from '../../electron/compose/fargate';
import { FARGATE_TIERS, isValidFargateSize } from '../../electron/plan/sizing';

describe('Fargate sizes in plans', () => {
  it('every size of the table is valid, and picking it gives itself back', () => {
    for (const tier of FARGATE_TIERS) {
      for (const memory of tier.memory) {
        expect(isValidFargateSize({ cpu: tier.cpu, memory })).toBe(true);
        expect(fargateSize(tier.cpu / 1024, memory)).toEqual({ cpu: tier.cpu, memory });
      }
    }
  });

  it('refuses sizes Fargate does not accept', () => {
    expect(isValidFargateSize({ cpu: 256, memory: 4096 })).toBe(false);
    expect(isValidFargateSize({ cpu: 8192, memory: 18432 })).toBe(false);
    expect(isValidFargateSize({ cpu: 300, memory: 1024 })).toBe(false);
  });
});
