import { pino, stdSerializers, type Logger } from 'pino';
import type { GatewayConfig } from './gateway.config.js';

/** One line per entry, for a person at a terminal: `12:00:01.234 INFO: [Context] POST /v1/users 200 12ms …`. */
const PRETTY_LOGS = {
  target: 'pino-pretty',
  options: {
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname,context,req,res,response_time_ms',
    messageFormat:
      '{if context}[{context}] {end}{if req}{req.method} {req.path} {res.status_code} {response_time_ms}ms {end}{msg}',
  },
};

/** The gateway's one pino logger: Nest's and the module's lines (through nestjs-pino) and the request log. */
export function createGatewayLogger(config: Pick<GatewayConfig, 'logLevel' | 'logFormat'>): Logger {
  return pino({
    level: config.logLevel,
    ...(config.logFormat === 'pretty' ? { transport: PRETTY_LOGS } : {}),
    serializers: { err: withoutQueryParameters },
  });
}

/** A database error carries its bound values (emails, token hashes): logs keep the SQL but never the values. */
function withoutQueryParameters(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = { ...stdSerializers.err(error) };
  delete serialized.parameters;
  return serialized;
}
