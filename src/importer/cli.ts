#!/usr/bin/env node
// The command line of the package: `npx nestjs-magic-links import …` (see IMPORT_HELP).
import 'reflect-metadata';
import { IMPORT_HELP, parseImportOptions } from './import-options.js';
import { runImport, summaryOf } from './stytch-importer.js';
import { SourceError } from './stytch-users-source.js';
import { ImportError, prepareTarget, targetDataSource } from './target-database.js';

const USAGE = `Usage: nestjs-magic-links <command> [options]

Commands:
  import    Copy the users of a Stytch project into this gateway's database (import --help for its options)
`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'import') {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }
  const options = parseImportOptions(rest, process.env);
  if (options === 'help') {
    process.stdout.write(IMPORT_HELP);
    return 0;
  }
  const dataSource = targetDataSource(options.databaseUrl);
  await dataSource.initialize();
  try {
    const migrated = await prepareTarget(dataSource, options.runMigrations);
    if (migrated > 0) process.stderr.write(`Ran ${migrated} pending migrations on the target database.\n`);
    const state = await runImport(dataSource, options);
    process.stdout.write(`${summaryOf(state, options.reportFile)}\n`);
    return state.conflicts.length > 0 ? 2 : 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const known = error instanceof ImportError || error instanceof SourceError;
    process.stderr.write(
      `nestjs-magic-links: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exitCode = 1;
  },
);
