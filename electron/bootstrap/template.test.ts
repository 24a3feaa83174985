import { describe, expect, it } from 'vitest';
import { plannedBootstrap } from './template';

describe('plannedBootstrap', () => {
  it('is the planner template, sent inline, whose TemplateVersion output is the app version', () => {
    for (const legacy of [undefined, { nat: false }, { nat: true }]) {
      const stack = plannedBootstrap.template(legacy);
      expect(stack.stackName).toBe('berth-bootstrap');
      expect(stack.needsUpload).toBe(false);
      expect((stack.template.Outputs as Record<string, { Value: unknown }>).TemplateVersion!.Value).toBe(String(plannedBootstrap.version));
    }
    expect(plannedBootstrap.template({ nat: true }).body).not.toBe(plannedBootstrap.template(undefined).body);
  });
});
