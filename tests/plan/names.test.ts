/**
 * AWS names cannot collide: every name function is injective over valid compose project and
 * service names, keeps clear of the bootstrap's names, and fits AWS's own pattern and length.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectNameProblem, serviceNameProblem } from '../../electron/compose/names';
import { BOOTSTRAP_STACK_NAME, BUILD_LOG_GROUP } from '../../electron/plan/bootstrap';
import {
  configParameterName,
  derivedParameterName,
  ecsServiceName,
  namespaceName,
  projectEventsLogGroupName,
  projectLogGroupName,
  projectParameterPrefix,
  projectRepositoryName,
  projectStackName,
  taskFamilyName,
} from '../../electron/plan/names';

// AWS's rules, from the API references: CreateStack StackName, CreateService serviceName,
// RegisterTaskDefinition family, CreateLogGroup logGroupName, CreateRepository repositoryName, PutParameter Name.
const AWS = {
  stack: { pattern: /^[a-zA-Z][-a-zA-Z0-9]*$/, max: 128 },
  ecsService: { pattern: /^[a-zA-Z0-9_-]+$/, max: 255 },
  family: { pattern: /^[a-zA-Z0-9_-]+$/, max: 255 },
  logGroup: { pattern: /^[.\-_/#A-Za-z0-9]+$/, max: 512 },
  ecr: { pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/, max: 256 },
  ssm: { pattern: /^[a-zA-Z0-9_.\-/]+$/, max: 1011 },
};

/** Valid compose project names, from a small alphabet so near-collisions come up often. */
const projectName = (chars = 'ab1-_') =>
  fc
    .string({ unit: fc.constantFrom(...chars.split('')), minLength: 1, maxLength: 8 })
    .filter((n) => projectNameProblem(n) === null);
/** Valid service names (Compose's characters minus the dot Berth refuses). */
const serviceName = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '1', '-', '_'), minLength: 1, maxLength: 8 }).filter((n) => serviceNameProblem(n) === null);
/** Names up to the limits, for the length checks. */
const longProject = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const longService = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,61}[A-Za-z0-9_]$/);

const PROJECT_NAMES: Record<string, (p: string) => string> = {
  projectStackName,
  projectLogGroupName,
  projectEventsLogGroupName,
  projectRepositoryName,
  projectParameterPrefix,
};
const SERVICE_NAMES: Record<string, (p: string, s: string) => string> = { ecsServiceName, taskFamilyName };

function fits(name: string, rule: { pattern: RegExp; max: number }): boolean {
  return rule.pattern.test(name) && name.length <= rule.max;
}

describe('the private DNS zone of a project', () => {
  it('is a host name every resolver accepts (letters, digits and inner hyphens; labels of at most 63), for every project name', () => {
    const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
    fc.assert(fc.property(longProject, (p) => namespaceName(p).split('.').every((l) => label.test(l))), { numRuns: 3000 });
    expect(namespaceName('my_app')).toBe('my-app.internal');
    expect(namespaceName('shop')).toBe('shop.internal');
  });
});

describe('names that cannot collide', () => {
  for (const [fn, name] of Object.entries(PROJECT_NAMES)) {
    it(`${fn}: two different projects never get the same name`, () => {
      fc.assert(fc.property(projectName(), projectName(), (a, b) => a === b || name(a) !== name(b)), { numRuns: 3000 });
    });
  }
  for (const [fn, name] of Object.entries(SERVICE_NAMES)) {
    it(`${fn}: two different (project, service) pairs never get the same name`, () => {
      fc.assert(
        fc.property(projectName(), serviceName, projectName(), serviceName, (p1, s1, p2, s2) => (p1 === p2 && s1 === s2) || name(p1, s1) !== name(p2, s2)),
        { numRuns: 5000 },
      );
      // The pairs most likely to meet: the same text split at another dash (`a` + `b-c`, `a-b` + `c`).
      fc.assert(
        fc.property(projectName(), serviceName, (p1, s1) => {
          const joined = `${p1}-${s1}`;
          for (let i = 0; i < joined.length; i++) {
            if (joined[i] !== '-') continue;
            const [p2, s2] = [joined.slice(0, i), joined.slice(i + 1)];
            if ((p2 === p1 && s2 === s1) || projectNameProblem(p2) || serviceNameProblem(s2) || s2 === '') continue;
            if (name(p1, s1) === name(p2, s2)) return false;
          }
          return true;
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('every name fits AWS’s pattern and length, up to 63-character project and service names', () => {
    fc.assert(
      fc.property(longProject, longService, fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), (p, s, config) => {
        expect(fits(projectStackName(p), AWS.stack)).toBe(true);
        expect(fits(ecsServiceName(p, s), AWS.ecsService)).toBe(true);
        expect(fits(taskFamilyName(p, s), AWS.family)).toBe(true);
        expect(fits(projectLogGroupName(p), AWS.logGroup)).toBe(true);
        expect(fits(projectEventsLogGroupName(p), AWS.logGroup)).toBe(true);
        const repo = projectRepositoryName(p);
        expect(fits(repo, AWS.ecr) && repo.length >= 2).toBe(true);
        expect(fits(`${repo}/cache`, AWS.ecr)).toBe(true);
        expect(fits(configParameterName(p, config), AWS.ssm)).toBe(true);
        expect(fits(derivedParameterName(p, s, config), AWS.ssm)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('my_app and my-app are two projects with two stacks', () => {
    expect(projectStackName('my-app')).toBe('berth-my-app');
    expect(projectStackName('my_app')).toMatch(/^berth-my-app--[0-9a-f]{8}$/);
    expect(projectLogGroupName('my_app')).not.toBe(projectLogGroupName('my-app'));
    expect(projectRepositoryName('my_app')).not.toBe(projectRepositoryName('my-app'));
    expect(projectParameterPrefix('my_app')).not.toBe(projectParameterPrefix('my-app'));
    // A plain name that happens to look like the encoded one is still another stack.
    const encoded = projectStackName('my_app').slice('berth-'.length);
    expect(projectNameProblem(encoded)).toBeNull();
    expect(projectStackName(encoded)).not.toBe(projectStackName('my_app'));
  });

  it('project a + service b-c and project a-b + service c are two ECS services and two task families', () => {
    expect(ecsServiceName('a', 'b-c')).not.toBe(ecsServiceName('a-b', 'c'));
    expect(taskFamilyName('a', 'b-c')).not.toBe(taskFamilyName('a-b', 'c'));
    expect(ecsServiceName('a', 'b-c')).toMatch(/^a-b-c-[0-9a-f]{8}$/);
  });

  it('projects named builds or bootstrap keep clear of the bootstrap’s names', () => {
    expect(projectStackName('bootstrap')).not.toBe(BOOTSTRAP_STACK_NAME);
    expect(projectLogGroupName('builds')).not.toBe(BUILD_LOG_GROUP);
    for (const arch of ['amd64', 'arm64']) expect(taskFamilyName('build', arch)).not.toBe(`berth-build-${arch}`);
    fc.assert(
      fc.property(projectName('abdilostu-_'), (p) => {
        expect(projectStackName(p)).not.toBe(BOOTSTRAP_STACK_NAME);
        expect(projectLogGroupName(p)).not.toBe(BUILD_LOG_GROUP);
      }),
    );
  });

  it('keeps the names of existing projects with plain names', () => {
    expect(projectStackName('shop')).toBe('berth-shop');
    expect(projectLogGroupName('shop')).toBe('/berth/shop');
    expect(projectEventsLogGroupName('shop')).toBe('/aws/events/berth/shop');
    expect(projectRepositoryName('shop')).toBe('berth/shop');
    expect(projectParameterPrefix('shop')).toBe('/Berth/shop/');
  });
});
