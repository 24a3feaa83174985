import { describe, expect, it } from 'vitest';
import { loadCfnSpec } from './index';

describe('CloudFormation specification', () => {
  const spec = loadCfnSpec();

  it('knows resource types, their properties, required flags and attributes', () => {
    const service = spec.resource('AWS::ECS::Service');
    expect(service).toBeDefined();
    expect(service!.properties.ServiceName!.replacement).toBe('yes');
    expect(service!.attributes).toContain('ServiceArn');
    expect(service!.tagProperty).toBe('Tags');
    const lb = service!.properties.LoadBalancers!.type;
    expect(lb.kind).toBe('array');
    if (lb.kind === 'array' && lb.element.kind === 'object') {
      expect(lb.element.properties().ContainerPort!.type.kind).toBe('integer');
    } else {
      throw new Error('LoadBalancers should be an array of objects');
    }
    const subnet = spec.resource('AWS::EC2::Subnet')!;
    expect(subnet.properties.VpcId!.required).toBe(true);
  });

  it('says undefined for a type CloudFormation does not have', () => {
    expect(spec.resource('AWS::Nope::Thing')).toBeUndefined();
  });
});
