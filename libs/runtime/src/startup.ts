import type { Logger } from '../../application/src/logger';
import { type AppConfig, ConfigError, loadConfig } from './config';
import { EconomyRuntime, type RuntimeOptions } from './economy-runtime';

/**
 * Start-up of a long-running process: a bad config or an unreachable store stops it with one
 * sentence on stderr and exit code 1, never a stack trace.
 */
export function loadConfigOrExit(service: string): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWith(service, error.message);
    throw error;
  }
}

export async function openRuntimeOrExit(service: string, config: AppConfig, logger: Logger, options?: RuntimeOptions): Promise<EconomyRuntime> {
  try {
    return await EconomyRuntime.open(config, logger, options);
  } catch (error) {
    return exitWith(service, (error as Error).message);
  }
}

function exitWith(service: string, sentence: string): never {
  process.stderr.write(`${service} cannot start: ${sentence}\n`);
  process.exit(1);
}
