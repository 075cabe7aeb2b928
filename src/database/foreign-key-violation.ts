import { QueryFailedError } from 'typeorm';

/** True when a write named a row that does not exist through a foreign key, on PostgreSQL (23503) or SQLite. */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const { code } = error.driverError as { code?: string };
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
