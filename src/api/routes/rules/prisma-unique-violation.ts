// Prisma reports a unique-constraint violation as P2002. Routes check for conflicts first, to
// answer with a helpful message, and fall back on this when two requests race past the check.
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}
