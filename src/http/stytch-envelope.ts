import { createParamDecorator, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { requestIdOf } from './request-id.js';

/** What the envelope needs of a request: its `request_id`, and the response whose status the body repeats. */
interface EnvelopeTarget {
  requestId: string;
  response: { statusCode: number };
}

/** Names the request with its Stytch-shaped id; a pipe, so that the module's options reach it through DI. */
@Injectable()
export class EnvelopeTargetPipe implements PipeTransform<{ request: object; response: EnvelopeTarget['response'] }> {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  transform({ request, response }: { request: object; response: EnvelopeTarget['response'] }): EnvelopeTarget {
    return { requestId: requestIdOf(request, this.options.environment), response };
  }
}

const EnvelopeTargetParam = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const http = context.switchToHttp();
  return { request: http.getRequest<object>(), response: http.getResponse<EnvelopeTarget['response']>() };
});

/**
 * Gives every route of a controller Stytch's success envelope: the handler's body between the `request_id` and the
 * `status_code` every Stytch success body carries, then `wrap`ped (the frontend SDK reads it as `{ data }`).
 *
 * Each route handler is wrapped in place rather than intercepted: with an interceptor Nest runs every request through
 * RxJS and async resources, which measurably cost CPU per request (issue 11's benchmarks, docs/benchmarks.md). The
 * wrapped handler takes one more parameter, the envelope's target, which Nest resolves like any other; the handler's
 * own metadata (route, status, headers, OpenAPI) moves with it.
 */
export function StytchEnvelope(wrap: (body: object) => object = (body) => body): ClassDecorator {
  return (controller) => {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[key];
      const isRoute =
        key !== 'constructor' && typeof handler === 'function' && Reflect.hasMetadata(METHOD_METADATA, handler);
      if (!isRoute) continue;
      const index = (Reflect.getMetadata('design:paramtypes', prototype, key) as unknown[] | undefined)?.length ?? 0;
      EnvelopeTargetParam(undefined, EnvelopeTargetPipe)(prototype, key, index);
      const enveloped = async function (this: unknown, ...args: unknown[]): Promise<object> {
        const { requestId, response } = args[index] as EnvelopeTarget;
        args.length = index;
        const body = await (handler as (...params: unknown[]) => Promise<object>).apply(this, args);
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
