/** Every `berth` subcommand, one module each; the help lists them in this order. */
import type { Command } from '../command';
import { planCommand } from './plan';
import { validateCommand } from './validate';
import { versionCommand } from './version';
import { webCommand } from './web';

export const COMMANDS: Command[] = [webCommand, validateCommand, planCommand, versionCommand];
