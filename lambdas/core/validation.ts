/** The one zod boundary helper: every external input (body, path, query, payload) goes through it. */
import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses `value` with `schema`; the error names the fields and rules, never the values (PII). */
export const parseWith = <T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ValidationError(`Invalid ${what}: ${problems}`);
};
