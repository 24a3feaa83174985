/** Shows its children only when connected; otherwise says why and how to connect. */
import { Alert, Button, Loader } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { isConnected, useConnection } from '../app/connection';
import { navigate } from '../app/routes';
import { ErrorAlert } from './ErrorAlert';

export function NeedsConnection({ what, children }: { what: string; children: ReactNode }) {
  const status = useConnection();
  if (status.isPending) return <Loader size="sm" aria-label="Checking the connection" />;
  if (status.error) return <ErrorAlert error={status.error} title="Could not check the connection" />;
  if (!isConnected(status.data)) {
    return (
      <Alert color="blue" icon={<IconPlugConnectedX size={18} />} title="Not connected">
        {what} needs a connection to AWS or to the local sandbox.
        <div>
          <Button mt="sm" size="sm" onClick={() => navigate('connect')}>
            Connect
          </Button>
        </div>
      </Alert>
    );
  }
  return <>{children}</>;
}
