/**
 * Compose `file:` secrets: each file is read now, on this machine, and written to its own
 * SecureString (only when it changed), so neither the template nor the task definition ever
 * holds its contents. A file that is gone or unfit stops the deploy naming the file.
 */
import { readFile } from 'node:fs/promises';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ProjectModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { fileProblem } from '../compose/secrets';
import { secretFileParameterName } from '../plan/names';
import { readConfigValues } from '../secrets/store';
import { putSecureParameter, type DerivedResult } from './derived';

export async function writeSecretFiles(ssm: SSMClient, project: ProjectModel): Promise<DerivedResult> {
  const files = (project.secrets ?? []).flatMap((s) => (s.source.kind === 'file' ? [{ name: s.name, ...s.source }] : []));
  const result: DerivedResult = { written: [], unchanged: [] };
  if (files.length === 0) return result;
  const current = await readConfigValues(ssm, files.map((f) => secretFileParameterName(project.name, f.name)));
  for (const f of files) {
    // Checked again: the file may have changed since the project was loaded.
    const problem = await fileProblem(f.path);
    if (problem) raise('COMPOSE_INVALID', `The secret ${f.name} reads ${f.shown}, which ${problem}.`, { secret: f.name, file: f.path });
    const value = await readFile(f.path, 'utf8');
    const parameter = secretFileParameterName(project.name, f.name);
    const existing = current.get(parameter);
    if (existing === value) {
      result.unchanged.push(parameter);
      continue;
    }
    await putSecureParameter(ssm, project.name, parameter, value, existing !== undefined, `Berth: compose secret ${f.name}, from ${f.shown}`, `the secret ${f.name} from ${f.shown}`);
    result.written.push(parameter);
  }
  return result;
}
