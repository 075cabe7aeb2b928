import { appendFileSync, writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { ImportOptions } from './import-options.js';
import { ImportProgress } from './import-progress.js';
import { StytchImport } from './stytch-import.entity.js';
import { StytchUsersSource } from './stytch-users-source.js';
import { importPage } from './user-importer.js';

/**
 * Pages the source and writes each page, with the place reached, in one transaction of the target: killed at any
 * moment, the import resumes after the last page it wrote, and a page is never counted twice.
 */
export async function runImport(
  dataSource: DataSource,
  options: ImportOptions,
  progress = new ImportProgress(),
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<StytchImport> {
  const source = new StytchUsersSource({
    baseUrl: options.sourceUrl,
    projectId: options.projectId,
    secret: options.secret,
    pageSize: options.pageSize,
    requestsPerMinute: options.requestsPerMinute,
  });
  const key = `${new URL(options.sourceUrl).origin}/${options.projectId}`;
  const imports = dataSource.getRepository(StytchImport);
  let state = await imports.findOneBy({ source: key });
  if (state && !state.finishedAt && !options.restart) {
    log(`Resuming the import of ${key} started at ${state.startedAt.toISOString()}: ${state.read} users read so far.`);
  } else {
    state = imports.create({
      source: key,
      cursor: null,
      total: -1,
      read: 0,
      imported: 0,
      unchanged: 0,
      conflicts: [],
      startedAt: new Date(),
      finishedAt: null,
    });
  }
  if (options.reportFile) writeFileSync(options.reportFile, '');
  progress.update(state);
  while (!state.finishedAt) {
    const page = await source.page(state.cursor);
    const current: StytchImport = state;
    await dataSource.transaction(async (manager) => {
      const outcome = await importPage(manager, page.users);
      current.total = page.total;
      current.read += page.users.length;
      current.imported += outcome.imported;
      current.unchanged += outcome.unchanged;
      current.conflicts = [...current.conflicts, ...outcome.conflicts];
      current.cursor = page.nextCursor;
      if (!page.nextCursor) current.finishedAt = new Date();
      await manager.save(current);
    });
    progress.update(state);
  }
  progress.done();
  if (options.reportFile) {
    for (const conflict of state.conflicts) appendFileSync(options.reportFile, `${JSON.stringify(conflict)}\n`);
  }
  return state;
}

/** The closing summary: counts, then each conflict with its reason (the first 50; --report has them all). */
export function summaryOf(state: StytchImport, reportFile?: string): string {
  const lines = [
    `Import of ${state.source} finished: ${state.read} users read, ${state.imported} imported, ` +
      `${state.unchanged} unchanged, ${state.conflicts.length} conflicts.`,
  ];
  for (const conflict of state.conflicts.slice(0, 50)) lines.push(`  conflict ${conflict.user_id}: ${conflict.reason}`);
  if (state.conflicts.length > 50) {
    lines.push(
      `  … and ${state.conflicts.length - 50} more${reportFile ? ` (all in ${reportFile})` : ' (pass --report <file> for all)'}.`,
    );
  }
  return lines.join('\n');
}
