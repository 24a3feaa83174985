/** One-off services in the project template: a task definition, a wait condition the dependents wait for, no ECS service. */
/* eslint-disable @typescript-eslint/no-explicit-any -- templates are free-form JSON; the tests walk them by path */
import { describe, expect, it } from 'vitest';
import { oneOffPlans } from '../../electron/deploy/one-off';
import { buildProjectTemplate } from '../../electron/plan/project-template';
import { estimateCost } from '../../electron/plan/cost';
import { project, service } from './fixtures';

function shop() {
  return project('shop', [
    service('web', { image: 'nginx:1.27', ports: [{ target: 80, published: 80, protocol: 'tcp', mode: 'ingress' }], dependsOn: ['migrate'] }),
    service('migrate', { build: { context: '/p/app', dockerfile: 'Dockerfile', args: {} } as any, command: ['python', 'manage.py', 'migrate'], ports: [{ target: 8000, published: 8000, protocol: 'tcp', mode: 'ingress' }], oneOff: { why: 'restart: "no" and it is a migration or seed step' } }),
  ]);
}

describe('one-offs in the project template', () => {
  it('gives migrate a task definition and a wait condition, no ECS service, no DNS name, no published port', () => {
    const { stack } = buildProjectTemplate(shop(), 'balanced', '2026-12-01', { migrate: 'repo:migrate-abc' });
    const r = stack.template.Resources;
    expect(Object.keys(r).filter((id) => id.startsWith('Migrate')).map((id) => r[id]!.Type).sort()).toEqual([
      'AWS::CloudFormation::WaitCondition',
      'AWS::CloudFormation::WaitConditionHandle',
      'AWS::ECS::TaskDefinition',
      'AWS::IAM::Role',
    ]);
    const [plan] = oneOffPlans(stack);
    expect(plan).toMatchObject({ service: 'migrate', container: 'migrate', taskDefinition: 'MigrateTaskDefinition', subnets: ['PublicSubnet1', 'PublicSubnet2'], assignPublicIp: true, logGroup: '/berth/shop' });
    const wait = r[plan!.waitCondition] as any;
    expect(wait.Properties).toEqual({ Handle: { Ref: plan!.handle }, Timeout: '3600', Count: 1 });
    expect(wait.DependsOn).toEqual(expect.arrayContaining(['MigrateTaskDefinition', 'DhcpOptionsAssociation', 'PublicDefaultRoute']));
    // web waits for the run; its own port is published, migrate's is not.
    expect(r.WebService!.DependsOn).toContain(plan!.waitCondition);
    const container = (r.MigrateTaskDefinition as any).Properties.ContainerDefinitions[0];
    expect(container.PortMappings).toBeUndefined();
    expect(container.Command).toEqual(['python', 'manage.py', 'migrate']);
    expect(Object.keys(r).some((id) => id.startsWith('MigrateTargetGroup'))).toBe(false);
  });

  it('names each revision of the one-off apart, so a changed image or command runs it again and an unchanged one does not', () => {
    const id = (images: Record<string, string>, p = shop()) => oneOffPlans(buildProjectTemplate(p, 'balanced', '2026-12-01', images).stack)[0]!.waitCondition;
    expect(id({ migrate: 'repo:migrate-abc' })).toBe(id({ migrate: 'repo:migrate-abc' }));
    expect(id({ migrate: 'repo:migrate-abc' })).not.toBe(id({ migrate: 'repo:migrate-def' }));
    const changed = shop();
    changed.services[1]!.command = ['python', 'manage.py', 'migrate', '--noinput'];
    expect(id({ migrate: 'repo:migrate-abc' }, changed)).not.toBe(id({ migrate: 'repo:migrate-abc' }));
    // Where the project sits on disk and where the service is written do not matter.
    const moved = shop();
    moved.services[1]!.source = { file: '/elsewhere/other.yaml', line: 40, column: 3 };
    moved.services[1]!.build = { ...moved.services[1]!.build!, context: '/elsewhere/app' };
    expect(id({ migrate: 'repo:migrate-abc' }, moved)).toBe(id({ migrate: 'repo:migrate-abc' }));
  });

  it('before its image is built, tells a Railpack build and build secrets apart; a plain Dockerfile build keeps the revision it had', () => {
    const id = (p = shop()) => oneOffPlans(buildProjectTemplate(p, 'balanced', '2026-12-01').stack)[0]!.waitCondition;
    const withBuild = (extra: Record<string, unknown>) => {
      const p = shop();
      p.services[1]!.build = { ...p.services[1]!.build!, ...extra };
      return p;
    };
    // shop()'s build predates `builder`: saying `dockerfile` out loud changes nothing.
    expect(id(withBuild({ builder: 'dockerfile' }))).toBe(id());
    expect(id(withBuild({ builder: 'railpack', dockerfile: 'railpack-plan.json' }))).not.toBe(id(withBuild({ dockerfile: 'railpack-plan.json' })));
    expect(id(withBuild({ secrets: [{ id: 'pip', secret: 'pip_conf' }] }))).not.toBe(id());
  });

  it('runs in private subnets without a public address in high availability, and costs no monthly line', () => {
    const [plan] = oneOffPlans(buildProjectTemplate(shop(), 'high_availability').stack);
    expect(plan).toMatchObject({ subnets: ['PrivateSubnet1', 'PrivateSubnet2'], assignPublicIp: false });
    const cost = estimateCost(shop(), 'balanced', 'us-east-1');
    expect(cost.lines.find((l) => l.item.startsWith('Fargate vCPU'))!.quantity).toMatch(/^1 task,/);
    expect(cost.notes.join(' ')).toContain('migrate runs once per deploy');
  });
});
