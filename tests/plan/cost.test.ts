/** Cost arithmetic per mode: itemised lines that add up, from the region's price table. */
import { describe, expect, it } from 'vitest';
import { estimateCost, HOURS_PER_MONTH } from '../../electron/plan/cost';
import { PRICE_TABLE, PRICE_TABLE_DATE } from '../../electron/plan/prices';
import { project, service, staticSite, webWithStores, workersOnly } from './fixtures';

const us = PRICE_TABLE['us-east-1']!;
const line = (estimate: ReturnType<typeof estimateCost>, item: string) => estimate.lines.find((l) => l.item.startsWith(item));
const cents = (v: number) => Math.round(v * 100) / 100;

describe('cost estimate', () => {
  it('has prices for the five regions it promises', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1']) expect(PRICE_TABLE[region]).toBeDefined();
  });

  it('prices one 0.25 vCPU / 0.5 GB task with a load balancer, exactly', () => {
    const e = estimateCost(staticSite(), 'balanced', 'us-east-1');
    expect(e).toEqual(expect.objectContaining({ estimate: true, mode: 'balanced', region: 'us-east-1', priceRegion: 'us-east-1', priceDate: PRICE_TABLE_DATE }));
    expect(line(e, 'Fargate vCPU (amd64)')!.monthlyUsd).toBe(cents(0.25 * HOURS_PER_MONTH * us.fargateVcpuHour));
    expect(line(e, 'Fargate memory (amd64)')!.monthlyUsd).toBe(cents(0.5 * HOURS_PER_MONTH * us.fargateGbHour));
    expect(line(e, 'Application load balancer')!.monthlyUsd).toBe(cents(HOURS_PER_MONTH * us.albHour));
    // One task with a public IP plus the load balancer's two addresses.
    expect(line(e, 'Public IPv4')!.quantity).toBe('3 × 730 h');
    expect(line(e, 'Fargate Spot discount')).toBeUndefined();
    expect(line(e, 'NAT')).toBeUndefined();
    expect(e.monthlyUsd).toBe(cents(e.lines.reduce((s, l) => s + l.monthlyUsd, 0)));
  });

  it('applies the Spot discount to amd64 tasks only in affordable mode', () => {
    const e = estimateCost(webWithStores(), 'affordable', 'us-east-1');
    const spot = line(e, 'Fargate Spot discount')!;
    // web runs 0.5 vCPU / 1 GB on Spot; worker is arm64, on regular Fargate.
    expect(spot.monthlyUsd).toBe(cents(-(0.5 * HOURS_PER_MONTH * us.fargateVcpuHour + 1 * HOURS_PER_MONTH * us.fargateGbHour) * us.spotDiscount));
    expect(line(e, 'Fargate vCPU (arm64)')!.monthlyUsd).toBe(cents(0.25 * HOURS_PER_MONTH * us.fargateArmVcpuHour));
    expect(e.notes.join(' ')).toContain('arm64');
  });

  it('prices high availability: doubled replicas, Multi-AZ database, two cache nodes, NAT, no task IPs', () => {
    const e = estimateCost(webWithStores(), 'high_availability', 'us-east-1');
    expect(line(e, 'Fargate vCPU (amd64)')!.quantity).toBe('2 tasks, 1 vCPU × 730 h');
    expect(line(e, 'PostgreSQL db')!.monthlyUsd).toBe(cents(2 * HOURS_PER_MONTH * us.rdsHour['db.t4g.small']!));
    expect(line(e, 'PostgreSQL db storage')!.quantity).toBe('40 GB gp3');
    expect(line(e, 'Redis cache')!.monthlyUsd).toBe(cents(2 * HOURS_PER_MONTH * us.cacheHour['cache.t4g.small']!));
    expect(line(e, 'NAT gateways')!.monthlyUsd).toBe(cents(2 * HOURS_PER_MONTH * us.natHour));
    expect(line(e, 'Public IPv4')!.quantity).toBe('4 × 730 h');
    const balanced = estimateCost(webWithStores(), 'balanced', 'us-east-1');
    const affordable = estimateCost(webWithStores(), 'affordable', 'us-east-1');
    expect(affordable.monthlyUsd).toBeLessThan(balanced.monthlyUsd);
    expect(balanced.monthlyUsd).toBeLessThan(e.monthlyUsd);
  });

  it('uses each region’s own prices and says when it falls back to us-east-1', () => {
    const frankfurt = estimateCost(staticSite(), 'balanced', 'eu-central-1');
    expect(frankfurt.priceRegion).toBe('eu-central-1');
    expect(frankfurt.monthlyUsd).toBeGreaterThan(estimateCost(staticSite(), 'balanced', 'us-east-1').monthlyUsd);
    const other = estimateCost(staticSite(), 'balanced', 'sa-east-1');
    expect(other.priceRegion).toBe('us-east-1');
    expect(other.notes.join(' ')).toContain('No price table for sa-east-1');
  });

  it('charges nothing for stopped services and no load balancer without public ports', () => {
    const e = estimateCost(workersOnly(), 'balanced', 'us-east-1');
    expect(line(e, 'Application load balancer')).toBeUndefined();
    expect(line(e, 'Fargate vCPU (amd64)')!.quantity).toBe('3 tasks, 6 vCPU × 730 h');
    const empty = estimateCost(project('empty', [service('idle', { image: 'nginx', replicas: 0 })]), 'affordable', 'us-east-1');
    expect(empty.lines.filter((l) => l.item.startsWith('Fargate'))).toEqual([]);
  });
});
