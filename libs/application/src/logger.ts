/** The slice of pino the libraries use, so they stay free of any logging framework. */
export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
