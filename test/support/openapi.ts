import { spawn } from 'node:child_process';

/**
 * Runs @apidevtools/swagger-parser on a document in a child Node process. The parser is CommonJS requiring an ESM
 * dependency, which Node 20 loads (`require(esm)`) but jest's module loader cannot.
 * `validate` rejects with the parser's message when the document is not valid OpenAPI; both resolve to the
 * dereferenced document.
 */
export function swaggerParser(method: 'validate' | 'dereference', document: unknown): Promise<Record<string, any>> {
  const script = `
    import SwaggerParser from '@apidevtools/swagger-parser';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    try {
      process.stdout.write(JSON.stringify(await SwaggerParser.${method}(JSON.parse(text))));
    } catch (error) {
      process.stderr.write(error.message);
      process.exitCode = 1;
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`swagger-parser ${method}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(document));
  });
}
