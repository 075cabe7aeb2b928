import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createGateway } from './gateway.js';
import { serveMetrics } from './metrics-server.js';
import { MAGIC_LINKS_METRICS_REGISTRY } from '../metrics/metrics-registry.js';
import { DEVELOPMENT_PROJECT_ID, DEVELOPMENT_SECRET, loadGatewayConfig } from './gateway.config.js';
import { MAGIC_LINKS_OPTIONS } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/** Starts the gateway from its environment: the body of `node dist/src/gateway/main.js`. */
export async function runGateway(): Promise<void> {
  const config = loadGatewayConfig(process.env, process.stdout.isTTY === true);
  const app = await createGateway(config);
  await app.listen(config.port, config.host);
  const logger = new Logger('Gateway');
  if (config.metrics.port !== undefined) {
    const server = await serveMetrics(app.get(MAGIC_LINKS_METRICS_REGISTRY), config.metrics.port, config.metrics.host);
    logger.log(`Prometheus metrics on http://${config.metrics.host}:${config.metrics.port}/metrics`);
    // The process exits after shutdown (enableShutdownHooks), so an open scrape need not hold it.
    server.unref();
  }
  const url = config.magicLinks.publicUrl;
  if (config.developmentCredentials) {
    logger.warn(
      `Using the development credentials project_id=${DEVELOPMENT_PROJECT_ID} secret=${DEVELOPMENT_SECRET}. ` +
        'Set MAGIC_LINKS_PROJECT_ID and MAGIC_LINKS_SECRET before exposing this gateway.',
    );
  }
  logger.log(`Magic links gateway listening on ${url} (API reference: ${url}/docs)`);
  const { sdk, publicToken } = app.get<ResolvedMagicLinksOptions>(MAGIC_LINKS_OPTIONS);
  if (sdk.authorizedOrigins.length > 0) {
    logger.log(
      `Frontend SDK API for ${sdk.authorizedOrigins.join(', ')}: new StytchClient('${publicToken}', { customBaseUrl: '${url}' })`,
    );
  }
}
