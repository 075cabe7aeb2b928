import 'reflect-metadata';
import { Body, Controller, HttpCode, Post, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { resolveMagicLinksOptions } from '../options/magic-links.options.js';
import { EnvelopeTargetPipe, StytchEnvelope } from './stytch-envelope.js';

class CreateThingDto {
  name!: string;
}

@StytchEnvelope()
@Controller('things')
class ThingsController {
  private readonly suffix = '!';

  @Post()
  @HttpCode(201)
  async create(@Body() dto: CreateThingDto): Promise<{ name: string }> {
    return { name: dto.name + this.suffix };
  }

  label(): string {
    return 'not a route';
  }
}

@StytchEnvelope((body) => ({ data: body }))
@Controller('sdk/things')
class SdkThingsController {
  @Post()
  async create(): Promise<{ id: string }> {
    return { id: 'thing-1' };
  }
}

describe('StytchEnvelope', () => {
  const target = { requestId: 'request-id-test-1', response: { statusCode: 201 } };

  it("puts a route's body between its request_id and its status_code", async () => {
    const controller = new ThingsController();
    const create = controller.create as (...args: unknown[]) => Promise<object>;
    expect(await create.call(controller, { name: 'a' }, target)).toEqual({
      request_id: 'request-id-test-1',
      name: 'a!',
      status_code: 201,
    });
  });

  it('wraps the envelope as asked, as the frontend SDK reads it', async () => {
    const create = SdkThingsController.prototype.create as (...args: unknown[]) => Promise<object>;
    expect(await create(target)).toEqual({
      data: { request_id: 'request-id-test-1', id: 'thing-1', status_code: 201 },
    });
  });

  it("keeps the route's metadata, and leaves the class and its other methods alone", () => {
    const { prototype } = ThingsController;
    expect(prototype.constructor).toBe(ThingsController);
    expect(Reflect.getMetadata(PATH_METADATA, ThingsController)).toBe('things');
    expect(Reflect.getMetadata(METHOD_METADATA, prototype.create)).toBe(RequestMethod.POST);
    expect(Reflect.getMetadata(HTTP_CODE_METADATA, prototype.create)).toBe(201);
    expect(prototype.create.name).toBe('create');
    expect(new ThingsController().label()).toBe('not a route');

    const parameters = Object.values(
      Reflect.getMetadata(ROUTE_ARGS_METADATA, ThingsController, 'create') as Record<string, { index: number }>,
    );
    expect(parameters.map(({ index }) => index).sort()).toEqual([0, 1]);
    expect(parameters.find(({ index }) => index === 1)).toMatchObject({ pipes: [EnvelopeTargetPipe] });
  });

  it("names the request with the gateway's id, or mints one for the project's environment", () => {
    const pipe = new EnvelopeTargetPipe(
      resolveMagicLinksOptions({
        projectId: 'project-live-11111111-1111-4111-8111-111111111111',
        secret: 'secret-live-11111111-1111-4111-8111-111111111111',
      }),
    );
    const response = { statusCode: 200 };
    expect(pipe.transform({ request: { id: 'request-id-live-abc' }, response })).toEqual({
      requestId: 'request-id-live-abc',
      response,
    });
    expect(pipe.transform({ request: { id: 7 }, response }).requestId).toMatch(/^request-id-live-[0-9a-f-]{36}$/);
  });
});
