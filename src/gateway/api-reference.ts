import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { OPERATIONS_TAG } from './health.controller.js';

/**
 * The OpenAPI document at /docs-json and Swagger UI at /docs. The document is built on the first request for
 * either, not at start: building it walks every route and DTO, a good share of the start-up time.
 */
export function setupApiReference(app: NestFastifyApplication, options: ResolvedMagicLinksOptions): void {
  // SwaggerModule calls the factory once, on that first request, and keeps the document.
  SwaggerModule.setup('docs', app, () => buildDocument(app, options), { jsonDocumentUrl: 'docs-json' });
}

function buildDocument(app: NestFastifyApplication, options: ResolvedMagicLinksOptions): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('nestjs-magic-links')
    .setDescription(
      "A self-hosted, Stytch-compatible Magic Links API. Point the official `stytch` client's `env` at this " +
        'server. Every `/v1/` call takes HTTP Basic `project_id:secret`.',
    )
    .setVersion('1')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'project_id as user, secret as password' }, 'basicAuth')
    // Relative: "Try it out" calls the address the page was opened from (127.0.0.1, a LAN address, a mapped
    // container port), not the public URL, which the browser may not reach or may see as another origin.
    .addServer('/', 'The address this page was opened from');
  for (const { name, description } of Object.values(MAGIC_LINKS_API_TAGS)) builder.addTag(name, description);
  builder.addTag(OPERATIONS_TAG, 'Health of the gateway, for load balancers and orchestrators.');
  const document = SwaggerModule.createDocument(app, builder.build());

  // The JWKS path names the project: its example is this gateway's own id, so "Try it out" works as sent.
  for (const parameter of document.paths['/v1/sessions/jwks/{project_id}']?.get?.parameters ?? []) {
    if ('name' in parameter && parameter.name === 'project_id') parameter.example = options.projectId;
  }
  return document;
}
