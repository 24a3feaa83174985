/**
 * Sets one config value. The field is uncontrolled and cleared after sending, so the value is
 * never kept in React state, the query cache or the DOM's value attribute.
 */
import { Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { CONFIG_NAME_PATTERN } from '../../../../shared/domain/secrets';
import { api } from '../../api';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { useAction } from '../../ui/use-action';

export function SetValueModal({ dir, name, onClose }: { dir: string; name: string | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const valueRef = useRef<HTMLInputElement>(null);
  const [newName, setNewName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [valueError, setValueError] = useState<string | null>(null);
  const save = useAction();
  const isNew = name === '';
  const opened = name !== null;

  const close = () => {
    if (valueRef.current) valueRef.current.value = '';
    setNewName('');
    setNameError(null);
    setValueError(null);
    save.reset();
    onClose();
  };

  const submit = async () => {
    const target = isNew ? newName.trim() : name!;
    if (!CONFIG_NAME_PATTERN.test(target)) return setNameError('Letters, digits and _ only, not starting with a digit (at most 64).');
    const input = valueRef.current;
    if (!input || input.value.length === 0) return setValueError('Type a value, or use Generate for a random one.');
    const ok = await save.run(async () => {
      await api['secrets:set']({ dir, name: target, value: input.value });
    });
    input.value = '';
    if (ok) {
      void queryClient.invalidateQueries({ queryKey: ['secrets:list', dir] });
      close();
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={isNew ? 'Add a config value' : `Set ${name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        autoComplete="off"
      >
        <Stack>
          {isNew && (
            <TextInput label="Name" placeholder="API_KEY" value={newName} onChange={(e) => setNewName(e.currentTarget.value)} error={nameError} data-autofocus spellCheck={false} />
          )}
          <PasswordInput
            ref={valueRef}
            label="Value"
            description="Stored encrypted in your account. Berth does not show it again unless you ask."
            error={valueError}
            autoComplete="new-password"
            spellCheck={false}
            data-autofocus={!isNew || undefined}
            onChange={() => setValueError(null)}
          />
          <ErrorAlert error={save.error} title="Could not save the value" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.pending}>
              Save
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            Other people with access to this AWS account can read stored values.
          </Text>
        </Stack>
      </form>
    </Modal>
  );
}
