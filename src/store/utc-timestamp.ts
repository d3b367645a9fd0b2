// DateTime columns are `timestamp(3)` without time zone holding UTC wall-clock times (Prisma's
// convention). Raw statements write them the same way, whatever the session's TimeZone.
import { Prisma } from '../generated/prisma/client.ts';

export function utcTimestamp(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString().replace('Z', '')}::timestamp(3)`;
}
