import { describe, expect, it } from 'vitest';
import { plannedBootstrap } from './template';

describe('plannedBootstrap', () => {
  it('is the planner template, sent inline, whose TemplateVersion output is the app version', () => {
    for (const mode of [undefined, 'affordable', 'high_availability'] as const) {
      const stack = plannedBootstrap.template(mode);
      expect(stack.stackName).toBe('berth-bootstrap');
      expect(stack.needsUpload).toBe(false);
      expect((stack.template.Outputs as Record<string, { Value: unknown }>).TemplateVersion!.Value).toBe(String(plannedBootstrap.version));
    }
    expect(plannedBootstrap.template('high_availability').body).not.toBe(plannedBootstrap.template('balanced').body);
  });
});
