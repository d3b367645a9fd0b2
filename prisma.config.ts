// Prisma CLI configuration. The application never needs the CLI at run time: it applies
// migrations itself (src/infra/migrations.ts). The CLI is used for `prisma generate` and, on a
// machine that can download Prisma's schema engine, for `prisma migrate diff` checks.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/sms' },
});
