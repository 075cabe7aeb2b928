import { chromium } from 'playwright-core';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { swaggerParser } from './support/openapi.js';

type Schema = Record<string, any>;

/** A dereferenced schema with `allOf: [X]` (how a described `$ref` is written) flattened to X. */
const flat = (schema: Schema): Schema => (schema.allOf?.length === 1 ? { ...schema.allOf[0], ...schema } : schema);

/** Operations every release must document; new ones join the checks below without being listed here. */
const CORE_OPERATIONS = [
  'post /v1/users',
  'get /v1/users/{user_id}',
  'delete /v1/users/{user_id}',
  'post /v1/magic_links',
  'post /v1/magic_links/authenticate',
  'get /v1/sessions/jwks/{project_id}',
];

/** Reached without credentials: the official client fetches the JWKS with none, browsers open the redirect page. */
const PUBLIC_OPERATIONS = new Set([
  'get /v1/sessions/jwks/{project_id}',
  'get /v1/magic_links/redirect',
  'get /v1/fingerprint/telemetry.js',
]);

describe('OpenAPI document and Swagger UI', () => {
  let gateway: RunningGateway;
  let document: Schema;
  beforeAll(async () => {
    gateway = await startGateway('sqlite');
    const response = await gateway.request('GET', '/docs-json', undefined, { auth: null });
    expect(response.status).toBe(200);
    document = response.body;
  });
  afterAll(() => gateway.close());

  it('validates as OpenAPI 3', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(swaggerParser('validate', document)).resolves.toMatchObject({ openapi: document.openapi });
    // The check can fail: a document with a dangling reference does not pass.
    const broken = structuredClone(document);
    broken.paths['/v1/magic_links'].post.requestBody.content['application/json'].schema = {
      $ref: '#/components/schemas/Missing',
    };
    await expect(swaggerParser('validate', broken)).rejects.toThrow(/Missing/);
  });

  it("describes POST /v1/magic_links with the seed's fields, types and required lists", async () => {
    const api = await swaggerParser('dereference', document);
    const operation = api.paths['/v1/magic_links'].post;
    expect(operation.operationId).toBe('api_magic_v1_Create');
    expect(operation.requestBody.required).toBe(true);

    const request = operation.requestBody.content['application/json'].schema;
    expect(request.required).toEqual(['user_id']);
    expect(request.properties.user_id.type).toBe('string');
    expect(request.properties.expiration_minutes).toMatchObject({
      type: 'integer',
      format: 'int32',
      minimum: 5,
      maximum: 10080,
    });
    const attributes = flat(request.properties.attributes);
    expect(attributes.type).toBe('object');
    expect(attributes.properties.ip_address.type).toBe('string');
    expect(attributes.properties.user_agent.type).toBe('string');

    const response = operation.responses['200'].content['application/json'].schema;
    expect([...response.required].sort()).toEqual(['request_id', 'status_code', 'token', 'user_id']);
    expect(response.properties).toMatchObject({
      request_id: { type: 'string' },
      user_id: { type: 'string' },
      token: { type: 'string' },
      status_code: { type: 'integer', format: 'int32' },
    });
  });

  it('declares Basic auth and the error envelope on every /v1 operation, and none on the public ones', async () => {
    expect(document.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    const api = await swaggerParser('dereference', document);
    const v1 = Object.entries(api.paths as Schema).flatMap(([path, operations]) =>
      path.startsWith('/v1/') ? Object.keys(operations).map((method) => `${method} ${path}`) : [],
    );
    expect(v1).toEqual(expect.arrayContaining(CORE_OPERATIONS));
    for (const name of v1) {
      const [method, path] = name.split(' ');
      const operation = api.paths[path][method];
      const isPublic = PUBLIC_OPERATIONS.has(name);
      expect({ operation: name, security: operation.security ?? [] }).toEqual({
        operation: name,
        security: isPublic ? [] : [{ basicAuth: [] }],
      });
      expect(operation.responses['200']).toBeDefined();
      const statuses = isPublic ? ['429', '500'] : ['400', '401', '429', '500', '503'];
      for (const status of statuses) {
        const content = operation.responses[status]?.content?.['application/json'];
        expect({ operation: name, status, documented: content !== undefined }).toMatchObject({
          documented: true,
        });
        expect([...content.schema.required].sort()).toEqual(
          ['error_message', 'error_type', 'error_url', 'request_id', 'status_code'].sort(),
        );
        for (const example of Object.values(content.examples as Schema)) {
          expect(example.value.status_code).toBe(Number(status));
        }
      }
    }
  });

  it('renders Swagger UI at /docs in a real browser, listing every operation', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const response = await page.goto(`${gateway.url}/docs`);
      expect(response?.status()).toBe(200);
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('.info .title').innerText()).toContain('nestjs-magic-links');
      const listed = await page
        .locator('.opblock')
        .evaluateAll((blocks) =>
          blocks.map(
            (block) =>
              `${block.querySelector('.opblock-summary-method')?.textContent?.toLowerCase()} ${block
                .querySelector('.opblock-summary-path')
                ?.getAttribute('data-path')}`,
          ),
        );
      const documented = Object.entries(document.paths as Schema).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method} ${path}`),
      );
      expect([...listed].sort()).toEqual(documented.sort());
      expect(listed).toEqual(expect.arrayContaining([...CORE_OPERATIONS, 'get /health']));
      // The Authorize button offers the Basic scheme the API takes.
      await expect(page.locator('.auth-wrapper .authorize').count()).resolves.toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
