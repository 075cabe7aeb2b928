import { mailFailureClass } from './mail-failure.js';

describe('mailFailureClass', () => {
  it('classes SMTP replies by their code and socket errors by theirs', () => {
    expect(
      mailFailureClass(Object.assign(new Error('550 no such user'), { responseCode: 550, code: 'EMESSAGE' })),
    ).toBe('rejected');
    expect(mailFailureClass(Object.assign(new Error('451 try later'), { responseCode: 451, code: 'EENVELOPE' }))).toBe(
      'deferred',
    );
    expect(mailFailureClass(Object.assign(new Error('bad login'), { code: 'EAUTH', responseCode: 535 }))).toBe(
      'rejected',
    );
    expect(mailFailureClass(Object.assign(new Error('bad login'), { code: 'EAUTH' }))).toBe('auth');
    expect(mailFailureClass(Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' }))).toBe(
      'timeout',
    );
    expect(mailFailureClass(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'connection',
    );
    expect(mailFailureClass(new Error('template failed'))).toBe('other');
    expect(mailFailureClass('a string')).toBe('other');
  });
});
