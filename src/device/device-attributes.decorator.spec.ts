import { deviceAttributesOf } from './device-attributes.decorator.js';

describe('deviceAttributesOf', () => {
  it("reads Stytch's attributes from the framework's trusted-proxy-aware ip and the headers, with client hints", () => {
    expect(
      deviceAttributesOf({
        ip: '203.0.113.7',
        headers: {
          'user-agent': 'Mozilla/5.0 Chrome/140.0.0.0',
          'x-forwarded-for': '198.51.100.1',
          'sec-ch-ua': '"Chromium";v="140"',
          'sec-ch-ua-mobile': '?1',
          'sec-ch-ua-platform': '"Android"',
        },
      }),
    ).toEqual({
      ip_address: '203.0.113.7',
      user_agent: 'Mozilla/5.0 Chrome/140.0.0.0',
      client_hints: { brands: '"Chromium";v="140"', mobile: '?1', platform: '"Android"' },
    });
  });

  it('leaves client hints out when none were sent, and bounds the User-Agent', () => {
    const attributes = deviceAttributesOf({
      socket: { remoteAddress: '::1' },
      headers: { 'user-agent': 'x'.repeat(5000) },
    });
    expect(attributes).toEqual({ ip_address: '::1', user_agent: 'x'.repeat(1024) });
    expect(deviceAttributesOf({ headers: {} })).toEqual({ ip_address: '', user_agent: '' });
  });
});
