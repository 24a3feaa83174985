import { describe, expect, it } from 'vitest';
import { NESTED_SHAPES, SERVICE_SHAPE, TOP_LEVEL_SHAPE } from './schema';
import { COMPOSE_KEY_SUPPORT, keySupport, SUPPORT_CONDITIONS } from './support';

const DEFANG = ['x-defang-postgres', 'x-defang-redis', 'x-defang-policies', 'x-defang-llm', 'x-defang-mongodb', 'x-defang-static-files'];

function allSpecKeys(): string[] {
  return [
    ...Object.keys(TOP_LEVEL_SHAPE),
    ...Object.keys(SERVICE_SHAPE).map((k) => `services.*.${k}`),
    ...Object.entries(NESTED_SHAPES).flatMap(([prefix, keys]) => keys.map((k) => `${prefix}.${k}`)),
  ];
}

describe('COMPOSE_KEY_SUPPORT', () => {
  it('classifies every key of the Compose Specification and every Defang extension', () => {
    const keys = [...allSpecKeys(), ...DEFANG.map((k) => `services.*.${k}`)];
    expect(keys.length).toBeGreaterThan(150);
    expect(keys.filter((k) => !COMPOSE_KEY_SUPPORT.some((s) => s.key === k))).toEqual([]);
  });

  it('lists only keys the specification (or Defang) defines, each once', () => {
    const known = new Set([...allSpecKeys(), ...DEFANG.map((k) => `services.*.${k}`), 'x-*', 'services.*.x-*']);
    expect(COMPOSE_KEY_SUPPORT.map((s) => s.key).filter((k) => !known.has(k))).toEqual([]);
    const keys = COMPOSE_KEY_SUPPORT.map((s) => s.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('gives every warned or rejected key a reason and a fix, and implements every `when`', () => {
    for (const s of COMPOSE_KEY_SUPPORT) {
      expect(s.note.length, s.key).toBeGreaterThan(10);
      if (s.status !== 'mapped') expect(s.fix, s.key).toBeTruthy();
      if (s.when) expect(SUPPORT_CONDITIONS[s.when], s.key).toBeTypeOf('function');
    }
  });

  it('maps the Defang managed stores, LLM access and GPUs, and warns about the extensions not supported yet', () => {
    expect(keySupport('services.*.x-defang-postgres')?.status).toBe('mapped');
    expect(keySupport('services.*.x-defang-redis')?.status).toBe('mapped');
    expect(keySupport('services.*.x-defang-policies')).toMatchObject({ status: 'mapped', note: expect.stringContaining('task role') });
    expect(keySupport('services.*.x-defang-llm')).toMatchObject({ status: 'mapped', note: expect.stringContaining('Bedrock') });
    for (const k of ['services.*.provider', 'models', 'services.*.models', 'services.*.gpus', 'services.*.deploy.resources.reservations.devices']) expect(keySupport(k)?.status).toBe('mapped');
    for (const k of ['x-defang-mongodb', 'x-defang-static-files']) expect(keySupport(`services.*.${k}`)?.status).toBe('warned');
    expect(keySupport('services.*.x-my-own')?.status).toBe('mapped');
    expect(keySupport('x-anchors')?.status).toBe('mapped');
  });
});
