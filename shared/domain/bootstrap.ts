/** The per-account, per-region bootstrap stack `berth-bootstrap`. */

export interface BootstrapStatus {
  stackName: string;
  exists: boolean;
  status?: string;
  deployedVersion?: number;
  appVersion: number;
  /** What ensure would do: create it, update it, nothing, or refuse (deployed one is newer). */
  action: 'create' | 'update' | 'none' | 'refuse' | 'recover';
  outputs: Record<string, string>;
  message?: string;
}
