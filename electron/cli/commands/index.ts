/** Every `berth` subcommand, one module each; the help lists them in this order. */
import type { Command } from '../command';
import { configCommand } from './config';
import { dockerHubCommand } from './docker-hub';
import { downCommand } from './down';
import { historyCommand } from './history';
import { rollbackCommand } from './rollback';
import { logsCommand } from './logs';
import { lsCommand } from './ls';
import { planCommand } from './plan';
import { sandboxCommand } from './sandbox';
import { teardownCommand } from './teardown';
import { upCommand } from './up';
import { validateCommand } from './validate';
import { versionCommand } from './version';
import { webCommand } from './web';
import { whoamiCommand } from './whoami';

export const COMMANDS: Command[] = [webCommand, validateCommand, planCommand, whoamiCommand, configCommand, dockerHubCommand, upCommand, rollbackCommand, historyCommand, logsCommand, lsCommand, downCommand, teardownCommand, sandboxCommand, versionCommand];
