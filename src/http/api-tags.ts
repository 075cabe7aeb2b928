/**
 * The groups of the API reference, in the order a reader meets them: a host app passes them to its
 * `DocumentBuilder` (`addTag(name, description)`) so Swagger UI lists them in this order.
 */
export const MAGIC_LINKS_API_TAGS = {
  users: { name: 'Users', description: 'The users magic links are sent to; create one first.' },
  email: {
    name: 'Email magic links',
    description: 'Send, log in or create, invite and revoke invites: links delivered by email.',
  },
  embeddable: {
    name: 'Embeddable magic links',
    description: 'A token handed to your backend, for you to deliver; it verifies no email address.',
  },
  authenticate: {
    name: 'Magic links',
    description: 'Authenticate the token of any magic link, emailed or embeddable, and start a session.',
  },
  sessions: { name: 'Sessions', description: 'Sessions started by authenticate, and the keys that verify their JWTs.' },
  redirect: { name: 'Redirect routing', description: 'The page behind emailed links, opened by browsers.' },
  events: {
    name: 'Magic link events',
    description: 'What happened at the page behind emailed links (a gateway extension).',
  },
  sdk: {
    name: 'Frontend SDK',
    description:
      "The browser API Stytch's frontend SDK (@stytch/vanilla-js, @stytch/react) calls when its customBaseUrl is this " +
      'gateway: Basic public_token:session_token, authorized origins only, responses wrapped in `data`.',
  },
  fraud: {
    name: 'Device fingerprinting',
    description:
      "Stytch's Fraud API: the telemetry script, fingerprint lookups with verdicts, rules and verdict reason overrides.",
  },
  deliveries: {
    name: 'Email deliveries',
    description:
      'The mails the gateway sends: list them, see their attempts, retry or cancel one (a gateway extension).',
  },
} as const;
