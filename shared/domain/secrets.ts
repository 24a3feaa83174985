/** Project config (secrets) stored as SSM SecureString parameters under /Berth/<project>/. */

export const CONFIG_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface ConfigEntry {
  name: string;
  /** True when the parameter exists; values are never part of a listing. */
  isSet: boolean;
  required: boolean;
  lastModified?: string;
  usedBy: { service: string; variable: string }[];
}

export interface ConfigListing {
  project: string;
  entries: ConfigEntry[];
  missing: string[];
  /** Names found under Defang's /Defang/<project>/<stack>/ that Berth could copy. */
  defangImportable: { name: string; stack: string }[];
  /** Compose secrets read from files at each deploy (the file is the source: edit it, then deploy). */
  secretFiles?: SecretFileEntry[];
}

export interface SecretFileEntry {
  /** The compose secret's name. */
  name: string;
  /** The file, as the compose file writes it. */
  file: string;
  /** Whether the file is there and fit to store (else why not). */
  problem?: string;
  /** When its SecureString was last written (a deploy), if ever. */
  lastStored?: string;
  /** Services that mount it, and where. */
  mountedBy: { service: string; path: string }[];
}
