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
}
