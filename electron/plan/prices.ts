/**
 * On-demand list prices (USD) the cost estimate uses, per region, as published on the AWS
 * pricing pages on PRICE_TABLE_DATE. Prices change: the preview shows the date and calls the
 * result an estimate. Regions missing here are priced as us-east-1 and say so.
 */

export const PRICE_TABLE_DATE = '2025-06-01';

export interface RegionPrices {
  /** Fargate Linux, per vCPU-hour and per GB-hour. */
  fargateVcpuHour: number;
  fargateGbHour: number;
  fargateArmVcpuHour: number;
  fargateArmGbHour: number;
  /** Fargate Spot averages about 70% below on-demand; the discount applied to Spot tasks. */
  spotDiscount: number;
  albHour: number;
  albLcuHour: number;
  /** Network Load Balancer hour and NLCU-hour (one NLCU: 800 new TCP or 400 new UDP flows a second, 1 GB an hour). */
  nlbHour: number;
  nlcuHour: number;
  /** Every public IPv4 address, in use or not. */
  publicIpv4Hour: number;
  natHour: number;
  rdsHour: Record<string, number>;
  /** gp3 storage per GB-month (Single-AZ; Multi-AZ pays twice). */
  rdsGp3GbMonth: number;
  cacheHour: Record<string, number>;
  logsIngestGb: number;
  logsStoreGbMonth: number;
  ecrGbMonth: number;
  /** EFS Standard storage per GB-month (elastic throughput is billed by use, not here). */
  efsGbMonth: number;
  /** CodeBuild on-demand BUILD_GENERAL1_SMALL per build minute, Linux x86 and ARM (us-east-1's where a region's is not known). */
  codebuildSmallMinute: number;
  codebuildArmSmallMinute: number;
}

export const PRICE_TABLE: Record<string, RegionPrices> = {
  'us-east-1': {
    fargateVcpuHour: 0.04048,
    fargateGbHour: 0.004445,
    fargateArmVcpuHour: 0.03238,
    fargateArmGbHour: 0.00356,
    spotDiscount: 0.7,
    albHour: 0.0225,
    albLcuHour: 0.008,
    nlbHour: 0.0225,
    nlcuHour: 0.006,
    publicIpv4Hour: 0.005,
    natHour: 0.045,
    rdsHour: { 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032 },
    rdsGp3GbMonth: 0.115,
    cacheHour: { 'cache.t4g.micro': 0.016, 'cache.t4g.small': 0.032 },
    logsIngestGb: 0.5,
    logsStoreGbMonth: 0.03,
    ecrGbMonth: 0.1,
    efsGbMonth: 0.3,
    codebuildSmallMinute: 0.005,
    codebuildArmSmallMinute: 0.0034,
  },
  'us-west-2': {
    fargateVcpuHour: 0.04048,
    fargateGbHour: 0.004445,
    fargateArmVcpuHour: 0.03238,
    fargateArmGbHour: 0.00356,
    spotDiscount: 0.7,
    albHour: 0.0225,
    albLcuHour: 0.008,
    nlbHour: 0.0225,
    nlcuHour: 0.006,
    publicIpv4Hour: 0.005,
    natHour: 0.045,
    rdsHour: { 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032 },
    rdsGp3GbMonth: 0.115,
    cacheHour: { 'cache.t4g.micro': 0.016, 'cache.t4g.small': 0.032 },
    logsIngestGb: 0.5,
    logsStoreGbMonth: 0.03,
    ecrGbMonth: 0.1,
    efsGbMonth: 0.3,
    codebuildSmallMinute: 0.005,
    codebuildArmSmallMinute: 0.0034,
  },
  'eu-west-1': {
    fargateVcpuHour: 0.04048,
    fargateGbHour: 0.004445,
    fargateArmVcpuHour: 0.03238,
    fargateArmGbHour: 0.00356,
    spotDiscount: 0.7,
    albHour: 0.0252,
    albLcuHour: 0.008,
    nlbHour: 0.0252,
    nlcuHour: 0.006,
    publicIpv4Hour: 0.005,
    natHour: 0.048,
    rdsHour: { 'db.t4g.micro': 0.018, 'db.t4g.small': 0.036 },
    rdsGp3GbMonth: 0.127,
    cacheHour: { 'cache.t4g.micro': 0.018, 'cache.t4g.small': 0.036 },
    logsIngestGb: 0.57,
    logsStoreGbMonth: 0.03,
    ecrGbMonth: 0.1,
    efsGbMonth: 0.33,
    codebuildSmallMinute: 0.005,
    codebuildArmSmallMinute: 0.0034,
  },
  'eu-central-1': {
    fargateVcpuHour: 0.04656,
    fargateGbHour: 0.00511,
    fargateArmVcpuHour: 0.03725,
    fargateArmGbHour: 0.00409,
    spotDiscount: 0.7,
    albHour: 0.027,
    albLcuHour: 0.008,
    nlbHour: 0.027,
    nlcuHour: 0.006,
    publicIpv4Hour: 0.005,
    natHour: 0.052,
    rdsHour: { 'db.t4g.micro': 0.019, 'db.t4g.small': 0.037 },
    rdsGp3GbMonth: 0.137,
    cacheHour: { 'cache.t4g.micro': 0.019, 'cache.t4g.small': 0.037 },
    logsIngestGb: 0.63,
    logsStoreGbMonth: 0.0324,
    ecrGbMonth: 0.1,
    efsGbMonth: 0.36,
    codebuildSmallMinute: 0.005,
    codebuildArmSmallMinute: 0.0034,
  },
  'ap-southeast-1': {
    fargateVcpuHour: 0.05056,
    fargateGbHour: 0.00553,
    fargateArmVcpuHour: 0.04045,
    fargateArmGbHour: 0.00442,
    spotDiscount: 0.7,
    albHour: 0.0252,
    albLcuHour: 0.008,
    nlbHour: 0.0252,
    nlcuHour: 0.006,
    publicIpv4Hour: 0.005,
    natHour: 0.059,
    rdsHour: { 'db.t4g.micro': 0.025, 'db.t4g.small': 0.05 },
    rdsGp3GbMonth: 0.138,
    cacheHour: { 'cache.t4g.micro': 0.024, 'cache.t4g.small': 0.048 },
    logsIngestGb: 0.7,
    logsStoreGbMonth: 0.033,
    ecrGbMonth: 0.1,
    efsGbMonth: 0.36,
    codebuildSmallMinute: 0.005,
    codebuildArmSmallMinute: 0.0034,
  },
};

/** The prices of a region, or us-east-1's when the table has none (and which region was used). */
export function pricesFor(region: string): { prices: RegionPrices; priceRegion: string } {
  const prices = PRICE_TABLE[region];
  return prices ? { prices, priceRegion: region } : { prices: PRICE_TABLE['us-east-1']!, priceRegion: 'us-east-1' };
}
