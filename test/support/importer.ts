import { spawn } from 'node:child_process';

export interface ImporterRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ImporterOptions {
  /** SIGKILLs the importer once its progress says it has read that many users. */
  killAfterRead?: number;
  /** Shows its progress (stderr) on this process's stderr as well. */
  showProgress?: boolean;
}

/**
 * Runs `nestjs-magic-links import` as a user would (the built bin), from the gateway at `sourceUrl` with the
 * project's credentials into `databaseUrl`, with `args` after those.
 */
export function runImporter(
  source: { url: string; projectId: string; secret: string },
  databaseUrl: string,
  args: string[] = [],
  { killAfterRead, showProgress = false }: ImporterOptions = {},
): Promise<ImporterRun> {
  const child = spawn(
    process.execPath,
    [
      'dist/src/importer/cli.js',
      'import',
      '--source-url',
      source.url,
      '--project-id',
      source.projectId,
      '--secret',
      source.secret,
      '--database-url',
      databaseUrl,
      ...args,
    ],
    { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (showProgress) process.stderr.write(chunk);
    const read = [...stderr.matchAll(/^read (\d+) of/gm)].map((match) => Number(match[1]));
    if (killAfterRead !== undefined && read.some((count) => count >= killAfterRead)) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
