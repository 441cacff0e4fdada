import pino from 'pino';

/** The one logger interface used everywhere (compatible with Apollo's Logger). */
export type Logger = pino.Logger;

export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({ name: options.name ?? 'service-circle', level: options.level });
}

/** A logger that drops everything, for tests and tools. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
