/** The fixed local credentials Berth's sandbox accepts; they open nothing outside 127.0.0.1. */
import type { AwsCredentialIdentity } from '@aws-sdk/types';

export const SANDBOX_CREDENTIALS: Readonly<AwsCredentialIdentity> = Object.freeze({
  accessKeyId: 'BERTHSANDBOXKEY',
  secretAccessKey: 'berth-sandbox-secret',
});
