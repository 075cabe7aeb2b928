import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { magicLink } from 'better-auth/plugins/magic-link';
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import nodemailer from 'nodemailer';
import pg from 'pg';

// The peer the bench compares with: better-auth and its magic-link plugin, as its documentation sets them up, in
// a plain Node HTTP server (its own `toNodeHandler`), on the database the gateway uses (its own tables beside the
// gateway's), rate limits off. Started by bench/run.ts with DATABASE_URL, PORT, SMTP_URL and MAIL_FROM.
//
// `sendMagicLink` mails the link through a pooled nodemailer transport (as many connections as the gateway's
// MAIL_CONCURRENCY), awaited as in better-auth's examples, so that a 200 means the mail was accepted by SMTP.
// Addresses at NO_MAIL_DOMAIN get no mail: their tokens are kept for the bench, which fetches them from
// GET /bench/tokens to present them to /magic-link/verify (the gateway's create answers its token instead).

const NO_MAIL_DOMAIN = '@no-mail.bench.example';

const { DATABASE_URL, PORT, SMTP_URL, MAIL_FROM, MAIL_CONCURRENCY } = process.env;
if (!DATABASE_URL || !PORT || !SMTP_URL || !MAIL_FROM) {
  throw new Error('better-auth-main needs DATABASE_URL, PORT, SMTP_URL and MAIL_FROM; bench/run.ts sets them.');
}
const baseURL = `http://127.0.0.1:${PORT}`;

function openDatabase(url: string): Database.Database | pg.Pool {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { timeout: 5000 });
    // The gateway's own pragmas (src/gateway/database.options.ts).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  }
  return new pg.Pool({ connectionString: url, max: 20, connectionTimeoutMillis: 5000 });
}

const smtp = new URL(SMTP_URL);
const transport = nodemailer.createTransport({
  host: smtp.hostname,
  port: Number(smtp.port),
  secure: false,
  pool: true,
  maxConnections: Number(MAIL_CONCURRENCY ?? 5),
});

const tokens: string[] = [];
const auth = betterAuth({
  baseURL,
  secret: 'better-auth-benchmark-only-secret-0000000000',
  database: openDatabase(DATABASE_URL),
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { level: 'error' },
  plugins: [
    magicLink({
      expiresIn: 3600,
      sendMagicLink: async ({ email, url, token }) => {
        if (email.endsWith(NO_MAIL_DOMAIN)) {
          tokens.push(token);
          return;
        }
        await transport.sendMail({
          from: MAIL_FROM,
          to: email,
          subject: 'Your sign-in link',
          text: `Sign in: ${url}\n\nThis link expires in 1 hour.`,
          html: `<p><a href="${url}">Sign in</a></p><p>This link expires in 1 hour.</p>`,
        });
      },
    }),
  ],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const handler = toNodeHandler(auth);
const server = createServer((request, response) => {
  if (request.url === '/bench/tokens') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(tokens.splice(0)));
    return;
  }
  void handler(request, response);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    transport.close();
    process.exit(0);
  });
}
