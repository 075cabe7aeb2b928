import 'reflect-metadata';
import { Body, Controller, HttpCode, Post, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Test } from '@nestjs/testing';
import { MAGIC_LINKS_OPTIONS } from '../options/inject-magic-links-options.decorator.js';
import { resolveMagicLinksOptions } from '../options/magic-links.options.js';
import { StytchEnvelope } from './stytch-envelope.js';

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

/** The controllers as Nest makes them: the envelope's options are injected as a property. */
async function controllers(environment: 'test' | 'live') {
  const id = `11111111-1111-4111-8111-111111111111`;
  const options = resolveMagicLinksOptions({
    projectId: `project-${environment}-${id}`,
    secret: `secret-${environment}-${id}`,
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [ThingsController, SdkThingsController],
    providers: [{ provide: MAGIC_LINKS_OPTIONS, useValue: options }],
  }).compile();
  return { things: moduleRef.get(ThingsController), sdk: moduleRef.get(SdkThingsController) };
}

describe('StytchEnvelope', () => {
  const target = { request: { id: 'request-id-test-1' }, response: { statusCode: 201 } };

  it("puts a route's body between its request_id and its status_code", async () => {
    const { things } = await controllers('test');
    const create = things.create as (...args: unknown[]) => Promise<object>;
    expect(await create.call(things, { name: 'a' }, target)).toEqual({
      request_id: 'request-id-test-1',
      name: 'a!',
      status_code: 201,
    });
  });

  it('wraps the envelope as asked, as the frontend SDK reads it', async () => {
    const { sdk } = await controllers('test');
    const create = sdk.create as (...args: unknown[]) => Promise<object>;
    expect(await create.call(sdk, target)).toEqual({
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
      Reflect.getMetadata(ROUTE_ARGS_METADATA, ThingsController, 'create') as Record<
        string,
        { index: number; pipes: unknown[] }
      >,
    );
    expect(parameters.map(({ index }) => index).sort()).toEqual([0, 1]);
    // No pipe: Nest extracts the envelope's parameter without a promise.
    expect(parameters.find(({ index }) => index === 1)?.pipes).toEqual([]);
  });

  it("names the request with the gateway's id, or mints one for the project's environment", async () => {
    const { things } = await controllers('live');
    const create = things.create as unknown as (...args: unknown[]) => Promise<{ request_id: string }>;
    const response = { statusCode: 200 };
    const named = await create.call(things, { name: 'a' }, { request: { id: 'request-id-live-abc' }, response });
    expect(named.request_id).toBe('request-id-live-abc');
    const minted = await create.call(things, { name: 'a' }, { request: { id: 7 }, response });
    expect(minted.request_id).toMatch(/^request-id-live-[0-9a-f-]{36}$/);
  });
});
