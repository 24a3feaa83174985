/** Problems in the compose files, grouped by file, each with its line and the fix. */
import { Alert, Badge, Code, Group, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import type { Diagnostic } from '../../../../shared/domain/diagnostics';
import { relativeTo } from '../../ui/words';

const SEVERITY = {
  error: { color: 'red', label: 'Error', icon: IconAlertCircle },
  warning: { color: 'yellow', label: 'Warning', icon: IconAlertTriangle },
  info: { color: 'blue', label: 'Note', icon: IconInfoCircle },
} as const;

/** Groups diagnostics by file (errors first inside each file, then by line). */
export function groupByFile(diagnostics: readonly Diagnostic[]): [string, Diagnostic[]][] {
  const rank = { error: 0, warning: 1, info: 2 };
  const groups = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = groups.get(d.file) ?? [];
    list.push(d);
    groups.set(d.file, list);
  }
  return [...groups.entries()].map(([file, list]) => [file, list.sort((a, b) => rank[a.severity] - rank[b.severity] || a.line - b.line || a.column - b.column)]);
}

export function DiagnosticsList({ diagnostics, dir }: { diagnostics: readonly Diagnostic[]; dir: string }) {
  if (diagnostics.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No problems found in the compose files.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {groupByFile(diagnostics).map(([file, list]) => (
        <section key={file} aria-label={`Problems in ${file ? relativeTo(dir, file) : 'the project'}`}>
          <Text size="sm" fw={600} ff="monospace" mb={6}>
            {file ? relativeTo(dir, file) : 'Project'}
          </Text>
          <Stack gap={6}>
            {list.map((d, i) => {
              const s = SEVERITY[d.severity];
              const Icon = s.icon;
              return (
                <Alert key={i} color={s.color} variant="light" icon={<Icon size={18} />} p="xs" data-testid="diagnostic">
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <Badge color={s.color} variant="outline" size="sm" style={{ flexShrink: 0 }}>
                      {s.label}
                    </Badge>
                    {d.line > 0 && (
                      <Code style={{ flexShrink: 0 }} aria-label={`line ${d.line}, column ${d.column}`}>
                        line {d.line}
                        {d.column > 0 ? `:${d.column}` : ''}
                      </Code>
                    )}
                    <div>
                      <Text size="sm">{d.message}</Text>
                      {d.fix && (
                        <Text size="sm" c="dimmed">
                          Fix: {d.fix}
                        </Text>
                      )}
                      {(d.path || d.subject) && (
                        <Text size="xs" c="dimmed" ff="monospace">
                          {d.path}
                          {d.subject ? ` · ${relativeTo(dir, d.subject)}` : ''}
                        </Text>
                      )}
                    </div>
                  </Group>
                </Alert>
              );
            })}
          </Stack>
        </section>
      ))}
    </Stack>
  );
}
