import { releaseYoungGeneration } from './young-generation.js';

// Imported only now: every static import would be loaded before young-generation.js runs.
const { runGateway } = await import('./run-gateway.js');

runGateway().then(releaseYoungGeneration, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
