import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { validationRecordOf } from '../../shared/domain/certificates';
import { publicZonesFor } from './hosted-zones';

const route53 = mockClient(Route53Client);
const client = new Route53Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

describe('public hosted zones for domains', () => {
  it('picks the deepest public zone that covers each domain, across pages, and ignores private zones', async () => {
    route53
      .on(ListHostedZonesCommand)
      .resolvesOnce({
        HostedZones: [
          { Id: '/hostedzone/ZCOM', Name: 'example.com.', CallerReference: 'a', Config: { PrivateZone: false } },
          { Id: '/hostedzone/ZPRIV', Name: 'shop.example.com.', CallerReference: 'b', Config: { PrivateZone: true } },
        ],
        IsTruncated: true,
        NextMarker: 'm',
        Marker: '',
        MaxItems: 2,
      })
      .resolves({ HostedZones: [{ Id: '/hostedzone/ZAPI', Name: 'api.example.com.', CallerReference: 'c', Config: { PrivateZone: false } }], IsTruncated: false, Marker: 'm', MaxItems: 2 });
    expect(await publicZonesFor(client, ['Shop.Example.com', 'v1.api.example.com', 'example.net'])).toEqual({
      'Shop.Example.com': { id: 'ZCOM', name: 'example.com' },
      'v1.api.example.com': { id: 'ZAPI', name: 'api.example.com' },
      'example.net': null,
    });
    // "notexample.com" is not under "example.com".
    route53.reset();
    route53.on(ListHostedZonesCommand).resolves({ HostedZones: [{ Id: '/hostedzone/ZCOM', Name: 'example.com.', CallerReference: 'a' }], IsTruncated: false, Marker: '', MaxItems: 100 });
    expect(await publicZonesFor(client, ['notexample.com'])).toEqual({ 'notexample.com': null });
  });

  it('reads the record from CloudFormation’s certificate event', () => {
    expect(validationRecordOf('Content of DNS Record is: {Name: _a1.shop.example.net.,Type: CNAME,Value: _b2.xyz.acm-validations.aws.}')).toEqual({
      name: '_a1.shop.example.net.',
      type: 'CNAME',
      value: '_b2.xyz.acm-validations.aws.',
    });
    expect(validationRecordOf('Resource creation Initiated')).toBeUndefined();
    expect(validationRecordOf(undefined)).toBeUndefined();
  });
});
