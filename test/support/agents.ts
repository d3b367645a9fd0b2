// Agents and their tokens for API tests, made through the same token functions the API uses.
import { randomBytes } from 'node:crypto';
import { generateToken, hashToken } from '../../src/api/auth/tokens.ts';
import type { Database } from '../../src/infra/database.ts';

export interface TestAgent {
  id: string;
  name: string;
  email: string;
  role: 'agent' | 'admin';
  token: string;
}

export async function createTestAgent(db: Database, role: 'agent' | 'admin' = 'agent', name?: string): Promise<TestAgent> {
  const suffix = randomBytes(4).toString('hex');
  const token = generateToken();
  const agent = await db.agent.create({
    data: {
      name: name ?? `${role} ${suffix}`,
      email: `${role}-${suffix}@example.test`,
      role,
      tokens: { create: { tokenHash: hashToken(token) } },
    },
  });
  return { id: agent.id, name: agent.name, email: agent.email, role, token };
}
