/**
 * `npm start`: runs the whole product on one machine on the embedded local stack.
 *
 * Environment (all optional):
 *   PROMPTPULSE_PORT            web app + API + sign-in       (default 4000)
 *   PROMPTPULSE_DYNAMODB_PORT   DynamoDB Local                 (default 8000)
 *   PROMPTPULSE_KINESIS_PORT    kinesalite                     (default 4567)
 *   PROMPTPULSE_S3_PORT         s3rver                         (default 4569)
 *   PROMPTPULSE_DATA_DIR        persistent data                (default ./.promptpulse)
 *   PROMPTPULSE_EPHEMERAL=1     keep everything in memory / temp dirs (same as --ephemeral)
 *   PROMPTPULSE_LOG_LEVEL       DEBUG | INFO | WARN | ERROR    (default WARN)
 */
import './env-defaults.ts';
import { resolve } from 'node:path';
import * as z from 'zod';
import { DEMO_USERS, OTHER_TENANT_OWNER, startLocalStack } from './stack.ts';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const envSchema = z.object({
  PROMPTPULSE_PORT: port(4000),
  PROMPTPULSE_DYNAMODB_PORT: port(8000),
  PROMPTPULSE_KINESIS_PORT: port(4567),
  PROMPTPULSE_S3_PORT: port(4569),
  PROMPTPULSE_DATA_DIR: z.string().min(1).default('.promptpulse'),
  PROMPTPULSE_EPHEMERAL: z.enum(['0', '1', 'true', 'false']).default('0'),
  PROMPTPULSE_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
});

async function main() {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`✖ ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  const env = parsed.data;
  const ephemeral = process.argv.includes('--ephemeral') || ['1', 'true'].includes(env.PROMPTPULSE_EPHEMERAL);
  const dataDir = ephemeral ? null : resolve(env.PROMPTPULSE_DATA_DIR);
  console.log(
    `Starting PromptPulse on the embedded local stack (${ephemeral ? 'ephemeral, in memory' : `data in ${dataDir}`})…`,
  );

  const stack = await startLocalStack({
    dataDir,
    ports: {
      gateway: env.PROMPTPULSE_PORT,
      dynamodb: env.PROMPTPULSE_DYNAMODB_PORT,
      kinesis: env.PROMPTPULSE_KINESIS_PORT,
      s3: env.PROMPTPULSE_S3_PORT,
    },
    logLevel: env.PROMPTPULSE_LOG_LEVEL,
    log: (line) => console.log(`  · ${line}`),
    // Re-scorable: changing the demo brand in Admin re-scores its history (docs/analysis.md, "Re-analysis").
    demoHistory: { rescorable: true },
  });

  const pad = (s: string) => s.padEnd(34);
  console.log(`
PromptPulse is running.

  Web app            ${stack.url}
  API                ${stack.apiUrl}   (try ${stack.apiUrl}/health)
  Sign-in (OIDC)     ${stack.issuerUrl}
  DynamoDB Local     ${stack.endpoints.dynamodb}
  Kinesis (kinesalite) ${stack.endpoints.kinesis}
  S3 (s3rver)        ${stack.endpoints.s3}
  Mail (invitations) ${stack.endpoints.mail}
  CRM receiver       ${stack.endpoints.crm}

Demo accounts (local only):
${DEMO_USERS.map((u) => `  ${pad(u.email)} ${u.password.padEnd(20)} ${u.role ? `${u.role} of Acme Demo` : 'no workspace yet'}`).join('\n')}
  ${pad(OTHER_TENANT_OWNER.email)} ${OTHER_TENANT_OWNER.password.padEnd(20)} owner of ${OTHER_TENANT_OWNER.workspace} (another tenant)

Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping…`);
    await stack.stop();
    console.log('Stopped cleanly.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`\n✖ PromptPulse could not start: ${error.message}`);
  if (process.env.PROMPTPULSE_LOG_LEVEL === 'DEBUG') console.error(error.stack);
  process.exit(1);
});
