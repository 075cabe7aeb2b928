import { parseArgs } from 'node:util';
import { ImportError } from './target-database.js';

export interface ImportOptions {
  sourceUrl: string;
  projectId: string;
  secret: string;
  databaseUrl: string;
  pageSize: number;
  requestsPerMinute: number;
  runMigrations: boolean;
  restart: boolean;
  reportFile: string | undefined;
}

export const IMPORT_HELP = `Usage: nestjs-magic-links import [options]

Copies the users of a Stytch project into this gateway's database, keeping their user_id, email_ids, email
verification, name, trusted and untrusted metadata, external_id, status and created_at. It reads them through
Stytch's own POST /v1/users/search with the project's secret, a page at a time.

It never overwrites: a user already here with the same data is left alone ("unchanged"), and a user whose id,
email or external_id is already held here with other data is reported as a conflict and not written. Its place
is saved with each page in the target database, so an interrupted import continues where it stopped when run
again with the same source; a finished one, run again, checks everything and changes nothing.

Options:
  --project-id <id>          Source project id (env STYTCH_PROJECT_ID)
  --secret <secret>          Source project secret (env STYTCH_SECRET)
  --source-url <url>         Source API: https://api.stytch.com (live), https://test.stytch.com (test), or any
                             Stytch-compatible server, e.g. another nestjs-magic-links gateway
                             (default: from the project id, as Stytch's clients choose; env STYTCH_BASE_URL)
  --database-url <url>       Target: the gateway's DATABASE_URL, postgres://… or sqlite:<file> (env DATABASE_URL)
  --page-size <n>            Users per search call, 1 to 1000 (default 1000)
  --requests-per-minute <n>  Search calls per minute at most (default 120; Stytch allows 150)
  --run-migrations           Run the gateway's pending migrations on the target first (otherwise refuse)
  --restart                  Start again from the first page instead of resuming an unfinished import
  --report <file>            Also write every conflict to <file> as JSON lines
  -h, --help                 Show this help

Exit status: 0 when every user is imported or unchanged, 2 when some were conflicts, 1 on an error.
`;

function positiveInteger(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new ImportError(`${flag} must be a whole number from 1 to ${max} (got "${value}").`);
  }
  return number;
}

/** The options of `import`, from its arguments and the environment; a missing or bad one says how to fix it. */
export function parseImportOptions(args: string[], env: NodeJS.ProcessEnv): ImportOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        'project-id': { type: 'string' },
        secret: { type: 'string' },
        'source-url': { type: 'string' },
        'database-url': { type: 'string' },
        'page-size': { type: 'string' },
        'requests-per-minute': { type: 'string' },
        'run-migrations': { type: 'boolean' },
        restart: { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ImportError(`${(error as Error).message}. See nestjs-magic-links import --help.`);
  }
  if (values.help) return 'help';
  const projectId = values['project-id'] ?? env.STYTCH_PROJECT_ID;
  const secret = values.secret ?? env.STYTCH_SECRET;
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  if (!projectId) throw new ImportError('Pass the source project id: --project-id <id> (or STYTCH_PROJECT_ID).');
  if (!secret) throw new ImportError('Pass the source project secret: --secret <secret> (or STYTCH_SECRET).');
  if (!databaseUrl) throw new ImportError("Pass the target: --database-url <the gateway's DATABASE_URL>.");
  const sourceUrl =
    values['source-url'] ??
    env.STYTCH_BASE_URL ??
    (projectId.startsWith('project-live-') ? 'https://api.stytch.com' : 'https://test.stytch.com');
  try {
    if (!/^https?:$/.test(new URL(sourceUrl).protocol)) throw new Error();
  } catch {
    throw new ImportError(`--source-url must be an http(s) URL such as https://api.stytch.com (got "${sourceUrl}").`);
  }
  return {
    sourceUrl,
    projectId,
    secret,
    databaseUrl,
    pageSize: positiveInteger(values['page-size'], '--page-size', 1000, 1000),
    requestsPerMinute: positiveInteger(values['requests-per-minute'], '--requests-per-minute', 120, 1_000_000),
    runMigrations: values['run-migrations'] === true,
    restart: values.restart === true,
    reportFile: values.report,
  };
}
