// Turns a zod failure into a 400 that names every offending field.
import type { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { refusalCodeOf } from './refusal-code.ts';

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: 'params' | 'query' | 'body' | 'headers'): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new HttpError(
    400,
    refusalCodeOf(result.error.issues),
    fields.map((field) => `${field.field}: ${field.message}`).join('; '),
    { fields },
  );
}
