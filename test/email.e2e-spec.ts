import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StytchError } from 'stytch';
import { codeChallengeOf } from '../src/magic-links/pkce.js';
import { expectStytchError, queryDatabase, startGateway, type RunningGateway } from './support/gateway.js';
import { officialClient } from './support/sessions.js';
import { linkIn, startSmtpSink, type SinkMail, type SmtpSink } from './support/smtp-sink.js';

const LOGIN_URL = 'https://app.example.com/authenticate';
const OTHER_LOGIN_URL = 'https://app.example.com/login/callback?next=profile';
const SIGNUP_URL = 'https://app.example.com/welcome';
const INVITE_URL = 'https://app.example.com/invitation';

async function stytchErrorOf(call: Promise<unknown>): Promise<StytchError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StytchError);
  return error as StytchError;
}

describe('Email magic links', () => {
  let sink: SmtpSink;
  let gateway: RunningGateway;
  let client: Client;
  let templatesDir: string;
  let n = 0;
  /** A fresh address per test, so the per-email limit never interferes. */
  const address = (name: string) => `${name}-${++n}@example.com`;
  const onlyMailTo = async (email: string): Promise<SinkMail> => {
    await waitFor(() => sink.mailsTo(email).length > 0);
    const mails = sink.mailsTo(email);
    expect(mails).toHaveLength(1);
    return mails[0];
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    templatesDir = mkdtempSync(join(tmpdir(), 'magic-links-templates-'));
    mkdirSync(join(templatesDir, 'branded-login'));
    writeFileSync(join(templatesDir, 'branded-login', 'subject.hbs'), 'Acme sign-in for {{email}}');
    writeFileSync(
      join(templatesDir, 'branded-login', 'html.hbs'),
      '<p>Hello {{firstName}}</p><a href="{{link}}">Sign in to Acme</a> ({{expiration}})',
    );
    writeFileSync(join(templatesDir, 'branded-login', 'text.hbs'), 'Hello {{firstName}}\nSign in: {{link}}');
    gateway = await startGateway('sqlite', {
      SMTP_URL: sink.url,
      MAIL_FROM: '"Acme" <no-reply@acme.example>',
      MAGIC_LINKS_APP_NAME: 'Acme',
      MAGIC_LINKS_LOGIN_REDIRECT_URLS: `${LOGIN_URL},${OTHER_LOGIN_URL}`,
      MAGIC_LINKS_SIGNUP_REDIRECT_URLS: SIGNUP_URL,
      MAGIC_LINKS_INVITE_REDIRECT_URLS: INVITE_URL,
      MAGIC_LINKS_TEMPLATES_DIR: templatesDir,
      MAIL_RETRY_BASE_DELAY_MS: '200',
      // The per-email limit has its own test, on its own gateway.
      RATE_LIMIT_PER_EMAIL: '1000/1',
    });
    client = officialClient(gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await sink?.stop();
  });

  it('login_or_create creates the user and mails a sign-up link that authenticate accepts', async () => {
    const email = address('newcomer');
    const created = await client.magicLinks.email.loginOrCreate({ email });
    expect(created).toMatchObject({ status_code: 200, user_created: true });
    expect(created.user_id).toMatch(/^user-test-/);
    expect(created.email_id).toMatch(/^email-test-/);

    const mail = await onlyMailTo(email);
    expect(mail.parsed.from?.value[0]).toEqual({ address: 'no-reply@acme.example', name: 'Acme' });
    expect(mail.parsed.subject).toBe('Finish creating your Acme account');
    expect(plain(mail.parsed.text)).toContain('expires in 7 days');
    expect(mail.parsed.text).toContain("Didn't ask for this?");
    expect(mail.parsed.html).toContain('Confirm and create my account');

    const link = linkIn(mail);
    expect(`${link.origin}${link.pathname}`).toBe(`${gateway.url}/v1/magic_links/redirect`);
    expect([...link.searchParams.keys()]).toEqual(['public_token', 'stytch_token_type', 'token']);
    expect(link.searchParams.get('public_token')).toMatch(/^public-token-test-[0-9a-f-]{36}$/);
    expect(link.searchParams.get('stytch_token_type')).toBe('magic_links');
    // The HTML part's button and text link carry the same URL.
    const html = (mail.parsed.html as string).replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html.split(`href="${link.href}"`)).toHaveLength(3);

    const [stored] = await queryDatabase<{ type: string; redirect_url: string; locale: string }>(
      gateway.databaseUrl,
      'SELECT type, redirect_url, locale FROM magic_links WHERE user_id = $1',
      [created.user_id],
    );
    expect(stored).toEqual({ type: 'signup', redirect_url: SIGNUP_URL, locale: 'en' });

    const authenticated = await client.magicLinks.authenticate({ token: link.searchParams.get('token')! });
    expect(authenticated).toMatchObject({
      user_id: created.user_id,
      method_id: created.email_id,
      user: { status: 'active', emails: [{ email, verified: true }] },
    });
    // A second login_or_create for the now verified, active user is a login link.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await client.magicLinks.email.loginOrCreate({ email, login_magic_link_url: OTHER_LOGIN_URL });
    expect(again).toMatchObject({ user_created: false, user_id: created.user_id });
    await waitFor(() => sink.mailsTo(email).length === 2);
    expect(sink.mailsTo(email)[1].parsed.subject).toBe('Your sign-in link for Acme');
  });

  it.each([
    ['es', 'Tu enlace para iniciar sesión en Acme', 'caduca en 1 hora'],
    ['fr', 'Votre lien de connexion à Acme', 'expire dans 1 heure'],
    ['pt-br', 'Seu link para entrar no Acme', 'expira em 1 hora'],
  ])('send writes the %s login mail', async (locale, subject, expiry) => {
    const email = address(`locale-${locale}`);
    const user = await client.users.create({ email });
    const sent = await client.magicLinks.email.send({ email, locale: locale as 'fr' });
    expect(sent).toMatchObject({ status_code: 200, user_id: user.user_id, email_id: user.email_id });
    const mail = await onlyMailTo(email);
    expect(mail.parsed.subject).toBe(subject);
    expect(plain(mail.parsed.text)).toContain(expiry);
    expect(mail.parsed.html).toContain(`lang="${locale}"`);
  });

  it('send: expiry, redirect URL and PKCE challenge are stored with the link, and a pending user gets a sign-up link', async () => {
    const email = address('pending');
    const user = await client.users.create({ email, create_user_as_pending: true });
    const verifier = 'a-verifier-of-the-app-0000000000000000000000';
    await client.magicLinks.email.send({
      email,
      signup_expiration_minutes: 30,
      code_challenge: codeChallengeOf(verifier),
    });
    const mail = await onlyMailTo(email);
    expect(plain(mail.parsed.text)).toContain('expires in 30 minutes');
    const [stored] = await queryDatabase<{ type: string; redirect_url: string; code_challenge: string }>(
      gateway.databaseUrl,
      'SELECT type, redirect_url, code_challenge FROM magic_links WHERE user_id = $1',
      [user.user_id],
    );
    expect(stored).toEqual({ type: 'signup', redirect_url: SIGNUP_URL, code_challenge: codeChallengeOf(verifier) });
    const token = linkIn(mail).searchParams.get('token')!;
    const missing = await stytchErrorOf(client.magicLinks.authenticate({ token }));
    expect(missing.error_type).toBe('pkce_expected_code_verifier');
    const authenticated = await client.magicLinks.authenticate({ token, code_verifier: verifier });
    expect(authenticated.user.status).toBe('active');
  });

  it('send with user_id adds the email, unverified until its link is authenticated', async () => {
    const first = address('first');
    const second = address('second');
    const user = await client.users.create({ email: first });
    const sent = await client.magicLinks.email.send({ email: second, user_id: user.user_id });
    expect(sent.user_id).toBe(user.user_id);
    const fetched = await client.users.get({ user_id: user.user_id });
    expect(fetched.emails).toEqual(
      expect.arrayContaining([{ email_id: sent.email_id, email: second, verified: false }]),
    );
    const mail = await onlyMailTo(second);
    await client.magicLinks.authenticate({ token: linkIn(mail).searchParams.get('token')! });
    const after = await client.users.get({ user_id: user.user_id });
    expect(after.emails.find((entry) => entry.email === second)?.verified).toBe(true);
  });

  it('send with session_token or session_jwt adds the email to the session’s user', async () => {
    const first = address('session-owner');
    const user = await client.users.create({ email: first });
    const link = await client.magicLinks.create({ user_id: user.user_id });
    const session = await client.magicLinks.authenticate({ token: link.token, session_duration_minutes: 60 });

    const byToken = address('by-token');
    const sentByToken = await client.magicLinks.email.send({ email: byToken, session_token: session.session_token });
    expect(sentByToken.user_id).toBe(user.user_id);
    const byJwt = address('by-jwt');
    const sentByJwt = await client.magicLinks.email.send({ email: byJwt, session_jwt: session.session_jwt });
    expect(sentByJwt.user_id).toBe(user.user_id);
    await onlyMailTo(byToken);
    await onlyMailTo(byJwt);

    const unknown = await stytchErrorOf(
      client.magicLinks.email.send({ email: address('nobody'), session_token: 'not-a-live-session-token' }),
    );
    expect(unknown).toMatchObject({ status_code: 404, error_type: 'session_not_found' });
    const both = await stytchErrorOf(
      client.magicLinks.email.send({
        email: address('both'),
        session_token: session.session_token,
        session_jwt: session.session_jwt,
      }),
    );
    expect(both).toMatchObject({ status_code: 400, error_type: 'too_many_session_arguments' });
    const badJwt = await stytchErrorOf(client.magicLinks.email.send({ email: address('jwt'), session_jwt: 'x.y.z' }));
    expect(badJwt).toMatchObject({ status_code: 400, error_type: 'unable_to_parse_session_jwt' });
  });

  it('invite creates a pending user with name and metadata; revoke_invite removes it and cancels its mail', async () => {
    const email = address('invitee');
    const invited = await client.magicLinks.email.invite({
      email,
      name: { first_name: 'Grace', last_name: 'Hopper' },
      trusted_metadata: { team: 'compilers' },
      untrusted_metadata: { theme: 'dark' },
      locale: 'fr',
    });
    expect(invited).toMatchObject({ status_code: 200 });
    const user = await client.users.get({ user_id: invited.user_id });
    expect(user).toMatchObject({
      status: 'pending',
      name: { first_name: 'Grace', last_name: 'Hopper' },
      trusted_metadata: { team: 'compilers' },
      untrusted_metadata: { theme: 'dark' },
    });
    const mail = await onlyMailTo(email);
    expect(mail.parsed.subject).toBe('Vous êtes invité·e à rejoindre Acme');
    expect(mail.parsed.text).toContain('Bonjour Grace,');
    expect(plain(mail.parsed.text)).toContain('expire dans 1 heure');
    const [stored] = await queryDatabase<{ type: string; redirect_url: string }>(
      gateway.databaseUrl,
      'SELECT type, redirect_url FROM magic_links WHERE user_id = $1',
      [invited.user_id],
    );
    expect(stored).toEqual({ type: 'invite', redirect_url: INVITE_URL });

    const revoked = await client.magicLinks.email.revokeInvite({ email });
    expect(revoked.status_code).toBe(200);
    const gone = await stytchErrorOf(client.users.get({ user_id: invited.user_id }));
    expect(gone.error_type).toBe('user_not_found');
    const token = linkIn(mail).searchParams.get('token')!;
    expect((await stytchErrorOf(client.magicLinks.authenticate({ token }))).error_type).toBe('magic_link_not_found');
    const again = await stytchErrorOf(client.magicLinks.email.revokeInvite({ email }));
    expect(again).toMatchObject({ status_code: 404, error_type: 'email_not_found' });

    const active = address('active');
    await client.users.create({ email: active });
    const refused = await stytchErrorOf(client.magicLinks.email.invite({ email: active }));
    expect(refused).toMatchObject({ status_code: 400, error_type: 'user_already_active' });
  });

  it('uses a custom template by id, escaping the values it inserts', async () => {
    const email = address('custom');
    const invited = await client.magicLinks.email.invite({ email, name: { first_name: '<b>Eve</b>' } });
    await onlyMailTo(email);
    // The invitee is pending: send gives a sign-up link, so the login template applies to an active user only.
    await client.magicLinks.authenticate({
      token: linkIn(sink.mailsTo(email)[0]).searchParams.get('token')!,
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.magicLinks.email.send({ email, login_template_id: 'branded-login' });
    await waitFor(() => sink.mailsTo(email).length === 2);
    const mail = sink.mailsTo(email)[1];
    expect(invited.user_id).toMatch(/^user-test-/);
    expect(mail.parsed.subject).toBe(`Acme sign-in for ${email}`);
    expect(mail.parsed.html).toContain('<p>Hello &lt;b&gt;Eve&lt;/b&gt;</p>');
    expect(plain(mail.parsed.html as string)).toContain('(1 hour)');
    expect(mail.parsed.text).toContain('Hello <b>Eve</b>');
    expect(linkIn(mail).searchParams.get('stytch_token_type')).toBe('magic_links');

    const unknown = await stytchErrorOf(
      client.magicLinks.email.send({ email: address('x'), login_template_id: 'no-such-template' }),
    );
    expect(unknown).toMatchObject({ status_code: 404, error_type: 'email_template_not_found' });
  });

  it('answers Stytch errors for bad requests, and writes nothing for them', async () => {
    const email = address('errors');
    await client.users.create({ email });
    const send = (body: Record<string, unknown>) =>
      gateway.request('POST', '/v1/magic_links/email/send', { email, ...body });
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/email/send', { email: address('unknown') }),
      404,
      'email_not_found',
    );
    expectStytchError(await send({ locale: 'de' }), 400, 'invalid_locale');
    expectStytchError(
      await send({ login_magic_link_url: 'https://evil.example/authenticate' }),
      400,
      'no_match_for_provided_magic_link_url',
    );
    expectStytchError(await send({ login_magic_link_url: 'not a url' }), 400, 'invalid_login_magic_link_url');
    expectStytchError(
      await send({ signup_magic_link_url: 'https://evil.example/' }),
      400,
      'no_match_for_provided_magic_link_url',
    );
    expectStytchError(await send({ login_expiration_minutes: 4 }), 400, 'invalid_expiration');
    expectStytchError(await send({ login_expiration_minutes: 10081 }), 400, 'invalid_expiration');
    expectStytchError(await send({ code_challenge: 'plain' }), 400, 'invalid_pkce_code_challenge');
    expectStytchError(await send({ user_id: 'user-test-00000000-0000-4000-8000-000000000000' }), 404, 'user_not_found');
    // An address with a line break cannot reach a header: it is not an address.
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/email/login_or_create', {
        email: 'victim@example.com\r\nBcc: attacker@evil.example',
      }),
      400,
      'invalid_email',
    );
    expectStytchError(
      await gateway.request('POST', '/v1/magic_links/email/invite', {
        email: address('i'),
        invite_magic_link_url: LOGIN_URL,
      }),
      400,
      'no_match_for_provided_magic_link_url',
    );
    const [{ count }] = await queryDatabase<{ count: number }>(
      gateway.databaseUrl,
      'SELECT COUNT(*) AS count FROM magic_links WHERE email_id IN (SELECT id FROM user_emails WHERE email = $1)',
      [email],
    );
    expect(Number(count)).toBe(0);
  });

  it('keeps the delivery record: sent, one attempt, no token left', async () => {
    const email = address('record');
    const created = await client.magicLinks.email.loginOrCreate({ email });
    await onlyMailTo(email);
    await waitFor(async () => {
      const [row] = await queryDatabase<{ status: string }>(
        gateway.databaseUrl,
        'SELECT status FROM email_deliveries WHERE user_id = $1',
        [created.user_id],
      );
      return row?.status === 'sent';
    });
    const [row] = await queryDatabase<Record<string, unknown>>(
      gateway.databaseUrl,
      'SELECT status, attempts, last_error, sealed_token, to_address, kind, locale FROM email_deliveries WHERE user_id = $1',
      [created.user_id],
    );
    expect(row).toEqual({
      status: 'sent',
      attempts: 1,
      last_error: null,
      sealed_token: null,
      to_address: email,
      kind: 'signup',
      locale: 'en',
    });
  });
});

describe('Email rate limits', () => {
  let sink: SmtpSink;
  let n = 0;
  const address = (name: string) => `${name}-${++n}@example.com`;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.stop());

  it('allows one request per second per email across send, login_or_create and invite', async () => {
    const gateway = await startGateway('sqlite', { SMTP_URL: sink.url });
    try {
      const email = address('limited');
      expect((await gateway.request('POST', '/v1/magic_links/email/login_or_create', { email })).status).toBe(200);
      const limited = await gateway.request('POST', '/v1/magic_links/email/send', { email });
      expectStytchError(limited, 429, 'too_many_requests');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectStytchError(
        await gateway.request('POST', '/v1/magic_links/email/invite', { email }),
        429,
        'too_many_requests',
      );
      // Another address is not affected, nor is the same one in another spelling treated as new.
      expect(
        (await gateway.request('POST', '/v1/magic_links/email/login_or_create', { email: address('free') })).status,
      ).toBe(200);
      expectStytchError(
        await gateway.request('POST', '/v1/magic_links/email/send', { email: email.toUpperCase() }),
        429,
        'too_many_requests',
      );
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await gateway.request('POST', '/v1/magic_links/email/send', { email })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('Email magic links without SMTP (the newcomer path)', () => {
  it('writes the mail to the outbox folder and prints its link', async () => {
    const outbox = mkdtempSync(join(tmpdir(), 'magic-links-outbox-'));
    const gateway = await startGateway('sqlite', { MAIL_OUTBOX_DIR: outbox, LOG_LEVEL: 'info' });
    try {
      const response = await gateway.request('POST', '/v1/magic_links/email/login_or_create', {
        email: 'newcomer@example.com',
      });
      expect(response.status).toBe(200);
      await gateway.waitForOutput((output) => output.includes('/v1/magic_links/redirect?'));
      const printed = /(http:\/\/\S+\/v1\/magic_links\/redirect\?[^\s"]+)/.exec(gateway.output())![1];
      const files = readdirSync(outbox).filter((file) => file.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(outbox, files[0]), 'utf8');
      expect(eml).toContain('To: newcomer@example.com');
      const token = new URL(printed).searchParams.get('token')!;
      const authenticated = await gateway.request('POST', '/v1/magic_links/authenticate', { token });
      expect(authenticated.body).toMatchObject({ status_code: 200, user_id: response.body.user_id });
    } finally {
      await gateway.close();
    }
  });

  it('refuses to start in production without SMTP_URL, saying how to fix it', async () => {
    await expect(startGateway('sqlite', { NODE_ENV: 'production' })).rejects.toThrow(/set SMTP_URL=smtp:\/\//);
  });
});

/** Text with its (no-break) spaces made plain: locales put U+00A0 between a number and its unit. */
function plain(text: string | undefined): string {
  return (text ?? '').replace(/\s/g, ' ');
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
