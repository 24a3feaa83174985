import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { VpcCapacity } from '../../../../shared/domain/plan';
import { VpcCapacityWarning } from './VpcCapacityWarning';

// The real api module needs the browser's window (a preload bridge or the web bridge).
vi.mock('../../api', () => ({ openExternal: vi.fn() }));

const render = (capacity?: VpcCapacity) => renderToStaticMarkup(<MantineProvider>{<VpcCapacityWarning capacity={capacity} />}</MantineProvider>);

const FULL: VpcCapacity = {
  region: 'eu-west-1',
  limit: 5,
  limitSource: 'applied',
  inUse: 5,
  berth: 3,
  defaultVpc: true,
  needed: 1,
  counted: true,
  ok: false,
  message: 'This deploy creates 1 VPC in eu-west-1, but 5 of the 5 VPCs your quota allows there are in use.',
  raise: {
    desiredValue: 6,
    consoleUrl: 'https://eu-west-1.console.aws.amazon.com/servicequotas/home/services/vpc/quotas/L-F678F1CE',
    command: 'aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value 6 --region eu-west-1',
  },
};

describe('VPC capacity warning', () => {
  it('shows nothing when the VPCs fit or the preview has no capacity', () => {
    // Mantine's provider writes its style tags either way; the warning adds an alert only on a shortfall.
    expect(render(undefined)).not.toContain('role="alert"');
    expect(render({ ...FULL, inUse: 2, ok: true, message: undefined, raise: undefined })).not.toContain('role="alert"');
    expect(render(FULL)).toContain('role="alert"');
  });

  it('says what is in use, the value to raise the quota to, the command, and deleting', () => {
    const html = render(FULL);
    expect(html).toContain('No room for this deploy&#x27;s network in eu-west-1');
    expect(html).toContain('5 of 5 VPCs are in use (3 Berth&#x27;s, the default VPC, 1 other)');
    expect(html).toContain('<b>6</b>');
    expect(html).toContain(FULL.raise!.command);
    expect(html).toContain('Open Service Quotas');
    expect(html).toContain('or delete VPCs you no longer use in eu-west-1 (the default VPC counts too)');
  });
});
