import { ConfigError } from '../config/config.ts';

/** For the split deployment: a value the embedded start would provide must be configured. */
export function required<T>(value: T | undefined, variable: string, why: string): T {
  if (value === undefined) throw new ConfigError(`${variable} must be set when running ${why}`);
  return value;
}
