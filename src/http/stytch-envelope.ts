import { createParamDecorator, type ExecutionContext, Inject } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { MAGIC_LINKS_OPTIONS } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { requestIdOf } from './request-id.js';

/** What the envelope needs of a request: the request, named by its `request_id`, and its response's status. */
interface EnvelopeTarget {
  request: object;
  response: { statusCode: number };
}

/** A parameter without pipes, so that Nest extracts it synchronously. */
const EnvelopeTargetParam = createParamDecorator((_data: unknown, context: ExecutionContext): EnvelopeTarget => ({
  request: context.switchToHttp().getRequest<object>(),
  response: context.switchToHttp().getResponse<EnvelopeTarget['response']>(),
}));

/** Where the controller holds the module's options, injected as a property: the environment names minted ids. */
const OPTIONS = Symbol('StytchEnvelope options');

/**
 * Gives every route of a controller Stytch's success envelope: the handler's body between the `request_id` and the
 * `status_code` every Stytch success body carries, then `wrap`ped (the frontend SDK reads it as `{ data }`).
 *
 * Each route handler is wrapped in place rather than intercepted: with an interceptor Nest runs every request through
 * RxJS and async resources, which measurably cost CPU per request (issue 11's benchmarks, docs/benchmarks.md). The
 * wrapped handler takes one more parameter, the request and its response, which Nest extracts like any other (without
 * a pipe, so without a promise); the module's options are injected into the controller as a property. The handler's
 * own metadata (route, status, headers, OpenAPI) moves with it.
 */
export function StytchEnvelope(wrap: (body: object) => object = (body) => body): ClassDecorator {
  return (controller) => {
    const prototype = controller.prototype as Record<string, unknown>;
    Inject(MAGIC_LINKS_OPTIONS)(prototype, OPTIONS);
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[key];
      const isRoute =
        key !== 'constructor' && typeof handler === 'function' && Reflect.hasMetadata(METHOD_METADATA, handler);
      if (!isRoute) continue;
      const index = (Reflect.getMetadata('design:paramtypes', prototype, key) as unknown[] | undefined)?.length ?? 0;
      EnvelopeTargetParam()(prototype, key, index);
      const enveloped = async function (this: { [OPTIONS]: ResolvedMagicLinksOptions }, ...args: unknown[]) {
        const { request, response } = args[index] as EnvelopeTarget;
        args.length = index;
        const body = await (handler as (...params: unknown[]) => Promise<object>).apply(this, args);
        const requestId = requestIdOf(request, this[OPTIONS].environment);
        return wrap({ request_id: requestId, ...body, status_code: response.statusCode });
      };
      for (const metadataKey of Reflect.getMetadataKeys(handler) as unknown[]) {
        Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, handler), enveloped);
      }
      Object.defineProperty(enveloped, 'name', { value: handler.name });
      Object.defineProperty(prototype, key, { ...Object.getOwnPropertyDescriptor(prototype, key), value: enveloped });
    }
  };
}
