import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CostEstimate, DeploymentMode } from '../../../../shared/domain/plan';
import { CostComparison, costNotes } from './CostComparison';

const estimate = (mode: DeploymentMode, notes: string[]): CostEstimate => ({ estimate: true, mode, region: 'eu-south-2', priceRegion: 'us-east-1', priceDate: '2025-06-01', lines: [{ item: 'Fargate vCPU (amd64)', quantity: '1 task', monthlyUsd: 9.01 }], monthlyUsd: 9.01, notes }) as CostEstimate;

const COMMON = ['No price table for eu-south-2: us-east-1 prices are shown.', 'Amazon Bedrock bills tokens as they are used, not monthly.'];
const COSTS = [estimate('affordable', ['Spot prices move with demand.', ...COMMON]), estimate('balanced', COMMON), estimate('high_availability', ['NAT gateways cost extra per GB.', ...COMMON])];

describe('cost comparison notes', () => {
  it('shows each note once; one only some modes have names them', () => {
    expect(costNotes(COSTS)).toEqual(['Affordable: Spot prices move with demand.', ...COMMON, 'High availability: NAT gateways cost extra per GB.']);
  });

  it('renders them under the cards, with the price date and region', () => {
    const html = renderToStaticMarkup(
      <MantineProvider>
        <CostComparison costs={COSTS} selected="balanced" onSelect={() => undefined} />
      </MantineProvider>,
    );
    expect(html).toContain('Estimated from AWS list prices of 2025-06-01 for eu-south-2, running all month.');
    expect(html).toContain('aria-label="Cost notes"');
    for (const note of costNotes(COSTS)) expect(html).toContain(note);
  });
});
