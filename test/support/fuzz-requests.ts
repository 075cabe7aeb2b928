import fc from 'fast-check';

/** One HTTP request as the fuzzer sends it: a raw path (escapes and all), raw headers and a raw body. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Values from the gateway's own state, so that some requests get past validation into the services and SQL. */
export interface FuzzPools {
  authorization: string;
  projectId: string;
  emails: string[];
  userIds: string[];
  tokens: string[];
  urls: string[];
}

type Schema = Record<string, any>;

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  body: Schema | undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The operations of a dereferenced OpenAPI document. */
export function operationsOf(document: Schema): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, Schema>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method.toUpperCase()))
      .map(([method, operation]) => {
        const parameters = (operation.parameters ?? []) as Schema[];
        return {
          method: method.toUpperCase(),
          path,
          pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name as string),
          query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
          body: operation.requestBody?.content?.['application/json']?.schema as Schema | undefined,
        };
      }),
  );
}

const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom('[', '{"a":'))
  .map(([levels, open]) => ({ raw: open.repeat(levels) + '1' + (open === '[' ? ']' : '}').repeat(levels) }));

const hugeString = fc
  .tuple(fc.integer({ min: 100, max: 70_000 }), fc.constantFrom('a', 'é', '😀', '\u0000', ' ', '%'))
  .map(([length, unit]) => unit.repeat(length));

const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\r\nBcc: victim@example.com',
    '../../etc/passwd',
    "'; DROP TABLE users; --",
    '%zz',
    '{{constructor.constructor("return process")()}}',
    '<script>alert(1)</script>',
    'javascript:alert(1)',
    'http://evil.example/authenticate',
    '0',
    'true',
    'null',
    '1e309',
    '-1',
  ),
);

/** Values of any JSON type, hostile ones weighted in. */
function hostileValue(pools: FuzzPools): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(0, -1, 4, 5, 60, 10080, 10081, 527040, 527041, 2 ** 31, 2 ** 53 + 1, 1e308, -0, 0.5),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    nastyString,
    hugeString,
    fc.constantFrom(...pools.emails, ...pools.userIds, ...pools.tokens, ...pools.urls),
  );
  return fc.oneof(
    { arbitrary: leaf, weight: 6 },
    { arbitrary: fc.array(leaf, { maxLength: 5 }), weight: 1 },
    { arbitrary: fc.dictionary(fc.oneof(fc.string(), prototypeKey), leaf, { maxKeys: 4 }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
    { arbitrary: deepJson, weight: 1 },
  );
}

const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');

/** A value that fits the schema, from the pools where a field names one, to reach past validation. */
function fittingValue(name: string, schema: Schema, pools: FuzzPools, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (/email$/.test(name)) return fc.constantFrom(...pools.emails);
  if (/user_id$/.test(name)) return fc.constantFrom(...pools.userIds);
  if (name === 'token') return fc.constantFrom(...pools.tokens);
  if (/_url$/.test(name)) return fc.constantFrom(...pools.urls);
  const type = schema.type ?? (schema.allOf || schema.properties ? 'object' : undefined);
  switch (type) {
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.string({ maxLength: Math.min(schema.maxLength ?? 64, 64) });
    case 'array':
      return fc.array(fittingValue(name, schema.items ?? {}, pools, depth + 1), { maxLength: 3 });
    case 'object': {
      const properties = propertiesOf(schema);
      if (Object.keys(properties).length === 0 || depth > 3) return fc.jsonValue({ maxDepth: 3 });
      return objectFor(schema, pools, depth + 1);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function propertiesOf(schema: Schema): Record<string, Schema> {
  return Object.assign({}, schema.properties ?? {}, ...((schema.allOf ?? []) as Schema[]).map(propertiesOf));
}

/** An object of the schema's fields, each present or not, fitting or hostile, plus unknown and prototype keys. */
function objectFor(schema: Schema, pools: FuzzPools, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(propertiesOf(schema)).map(([name, property]) =>
    fc.option(
      fc.oneof(
        { arbitrary: fittingValue(name, property, pools, depth), weight: 3 },
        { arbitrary: hostileValue(pools), weight: 1 },
      ),
      { freq: 2, nil: undefined },
    ),
  );
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), prototypeKey), hostileValue(pools), {
    maxKeys: 2,
  });
  return fc.tuple(fc.tuple(...fields), sometimes(extra, 4)).map(([values, extras]) => {
    const object: Record<string, unknown> = {};
    Object.keys(propertiesOf(schema)).forEach((name, index) => {
      if (values[index] !== undefined) object[name] = values[index];
    });
    // defineProperty, so that "__proto__" becomes a key of the JSON rather than this object's prototype.
    for (const [key, value] of Object.entries(extras ?? {})) {
      Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return object;
  });
}

/** Serializes with the `{ raw }` stand-ins of `deepJson` spliced in as they are. */
function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'object' && item !== null && 'raw' in item && Object.keys(item).length === 1) {
      raws.push((item as { raw: string }).raw);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return item;
  });
  return (text ?? 'null').replace(/"\\u0001raw(\d+)\\u0001"/g, (_match, index: string) => raws[Number(index)]);
}

function bodyFor(operation: Operation, pools: FuzzPools): fc.Arbitrary<string | undefined> {
  const json = operation.body
    ? fc.oneof(
        { arbitrary: objectFor(operation.body, pools).map(toJson), weight: 8 },
        { arbitrary: hostileValue(pools).map(toJson), weight: 2 },
      )
    : hostileValue(pools).map(toJson);
  return fc.oneof(
    { arbitrary: json, weight: operation.body ? 10 : 1 },
    { arbitrary: fc.constant(undefined), weight: operation.body ? 1 : 8 },
    { arbitrary: fc.constant(''), weight: 1 },
    // Not JSON: truncated, text, bytes that are not UTF-8.
    {
      arbitrary: fc.oneof(
        nastyString,
        json.map((text) => (text ?? '').slice(0, -1)),
        fc.constantFrom('{"email":', '\u00ff\u00fe{}', '{"a":1}{"b":2}', '{"a":1,}', "{'a':1}", 'NaN', '{"\\ud800":1}'),
      ),
      weight: 1,
    },
  );
}

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json;;',
      'application/jsonx',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '*/*',
      '',
      ' ',
    ),
    weight: 3,
  },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

function authorization(pools: FuzzPools): fc.Arbitrary<string | undefined> {
  const valid = pools.authorization;
  const credentials = valid.slice('Basic '.length);
  return fc.oneof(
    { arbitrary: fc.constant(valid), weight: 12 },
    {
      arbitrary: fc.constantFrom(
        `basic ${credentials}`,
        `BASIC  ${credentials} `,
        `Basic ${credentials}=`,
        `Basic ${credentials.slice(0, -4)}`,
        `Bearer ${credentials}`,
        'Basic',
        'Basic ',
        'Basic Og==',
        'Basic !!!!',
        `Basic ${'A'.repeat(3000)}`,
        'Digest username="x"',
      ),
      weight: 3,
    },
    {
      arbitrary: fc
        .string({ unit: 'binary-ascii', maxLength: 40 })
        .map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
      weight: 1,
    },
    { arbitrary: fc.constant(undefined), weight: 2 },
  );
}

const headerValue = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 64 }),
  fc.integer({ min: 1, max: 3000 }).map((length) => 'x'.repeat(length)),
);

/** `arbitrary`'s values in one case out of `oneIn`, else `undefined`. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary, weight: 1 });
}

function headersFor(pools: FuzzPools): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      'content-type': contentType,
      authorization: authorization(pools),
      accept: sometimes(fc.constantFrom('application/json', 'text/html', '*/*', 'image/png'), 3),
      'user-agent': sometimes(headerValue, 2),
      'x-forwarded-for': sometimes(fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1', ''), 6),
      'sec-ch-ua': sometimes(headerValue, 6),
      'content-encoding': sometimes(fc.constantFrom('gzip', 'identity', 'br'), 12),
      'x-http-method-override': sometimes(fc.constantFrom('DELETE', 'PUT'), 12),
    })
    .map(
      (headers) =>
        Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<
          string,
          string
        >,
    );
}

/**
 * A path segment: a real id, hostile text (percent-encoded), a long one, escapes that do not decode, one over the
 * router's parameter length.
 */
function segment(pools: FuzzPools, knownValues: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...knownValues).map(encodeURIComponent), weight: 6 },
    { arbitrary: nastyString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))), weight: 3 },
    { arbitrary: fc.integer({ min: 64, max: 90 }).map((length) => 'a'.repeat(length)), weight: 1 },
    { arbitrary: fc.constantFrom('%00', '%2F', '..', '%2e%2e', '%20'), weight: 1 },
    { arbitrary: fc.constantFrom(...pools.emails).map(encodeURIComponent), weight: 1 },
    { arbitrary: fc.integer({ min: 101, max: 140 }).map((length) => 'a'.repeat(length)), weight: 1 },
    { arbitrary: fc.constantFrom('%zz', '%', '%c3%28', '%E2%82'), weight: 1 },
  );
}

function queryFor(operation: Operation, pools: FuzzPools): fc.Arbitrary<string> {
  const known = [...pools.userIds, ...pools.tokens, ...pools.emails];
  const value = fc.oneof(
    { arbitrary: fc.constantFrom(...known).map(encodeURIComponent), weight: 4 },
    { arbitrary: nastyString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))), weight: 3 },
    { arbitrary: fc.constantFrom('%zz', '%', '%c3%28', '', '%00'), weight: 1 },
    { arbitrary: fc.integer({ min: 100, max: 2000 }).map((length) => 'q'.repeat(length)), weight: 1 },
  );
  const names = [...operation.query.map((q) => q.name), 'user_id', 'token'];
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...names), weight: 6 },
    {
      arbitrary: fc.constantFrom(...names).chain((name) => fc.constantFrom(`${name}[]`, `${name}[a]`, `${name}.a`)),
      weight: 1,
    },
    { arbitrary: prototypeKey, weight: 1 },
    { arbitrary: fc.constantFrom('__proto__[x]', 'constructor[prototype][x]', '%zz', ''), weight: 1 },
  );
  return fc
    .array(fc.tuple(key, value), { maxLength: 4 })
    .map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([name, item]) => `${name}=${item}`).join('&')));
}

/** Hostile requests for one operation of the document. */
function requestFor(operation: Operation, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  const known: Record<string, string[]> = {
    user_id: pools.userIds,
    project_id: [pools.projectId],
  };
  const params = fc.tuple(...operation.pathParams.map((name) => segment(pools, known[name] ?? ['x'])));
  const path = fc
    .tuple(
      params,
      fc.oneof(
        { arbitrary: fc.constant(''), weight: 12 },
        { arbitrary: fc.constantFrom('/', '//', '/x', '/..', '%20', '.json', ';a=b'), weight: 1 },
      ),
      fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 }),
      queryFor(operation, pools),
    )
    .map(([values, suffix, upper, query]) => {
      let index = 0;
      const filled = operation.path.replace(/\{[^}]+\}/g, () => values[index++] ?? '');
      return (upper ? filled.toUpperCase() : filled) + suffix + query;
    });
  const method = fc.oneof(
    { arbitrary: fc.constant(operation.method), weight: 10 },
    { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
    { arbitrary: fc.constantFrom('FOO', 'PROPFIND', 'M-SEARCH'), weight: 1 },
  );
  // Headers over Node's 16 KB limit, refused by the HTTP parser before any route.
  const padding = sometimes(fc.integer({ min: 17_000, max: 40_000 }), 12);
  return fc
    .record({ method, path, headers: headersFor(pools), body: bodyFor(operation, pools), padding })
    .map(({ method, path, headers, body, padding }) => ({
      method,
      path,
      headers: padding === undefined ? headers : { ...headers, 'x-padding': 'p'.repeat(padding) },
      // A body on GET/HEAD is legal HTTP, and a client may send one: keep some.
      ...(body !== undefined && { body }),
    }));
}

/**
 * Hostile requests for every operation of a dereferenced OpenAPI document, each operation equally likely, including
 * what the HTTP layer refuses before routing: bad escapes, over-long parameters, unknown methods, oversized headers.
 */
export function fuzzRequests(document: Schema, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...operationsOf(document).map((operation) => requestFor(operation, pools)));
}
