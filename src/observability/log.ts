/**
 * Structured logs: one JSON line per event on stdout (App Service collects stdout; Application Insights
 * picks it up through the diagnostic settings). Every line carries the work ids in force (request, turn,
 * triage) and, when tracing is on, the trace and span ids, so a log line leads to its trace. Secrets are
 * removed twice: known secret-bearing keys by pino's redaction, and token-shaped strings wherever they
 * appear (an SDK error message can quote an Authorization header).
 */
import pino, { type DestinationStream, type Level } from 'pino';
import { trace } from '@opentelemetry/api';
import type { Logger } from '../conversation/background';
import { ConfigError, envValue, type Env } from '../config';
import type { WorkContext } from './context';

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** LOG_LEVEL, default info. */
export function logLevelFromEnv(env: Env): Level {
  const value = envValue(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}").`, 'LOG_LEVEL');
  return level;
}

/** Keys whose values are secrets wherever they appear in a log line's detail (two levels deep). */
const SECRET_KEYS = [
  'authorization',
  'password',
  'appPassword',
  'MicrosoftAppPassword',
  'secret',
  'clientSecret',
  'signingSecret',
  'token',
  'botToken',
  'accessToken',
  'connectionString',
  'cookie',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'TRIAGE_BLOB_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** Token-shaped text: bearer tokens, JWTs, Slack tokens, storage account keys and SAS signatures. */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[REDACTED-JWT]'],
  [/\bxox[a-z]-[A-Za-z0-9-]{8,}/g, '[REDACTED-SLACK-TOKEN]'],
  [/\b(AccountKey|SharedAccessSignature|InstrumentationKey)=[^;\s"]+/gi, '$1=[REDACTED]'],
  [/([?&]sig=)[^&\s"]+/gi, '$1[REDACTED]'],
];

export function scrub(text: string): string {
  return SECRET_PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, depth - 1)]));
}

export interface LoggerOptions {
  level?: Level;
  context?: WorkContext;
  /** Default stdout; tests pass a stream they read. */
  destination?: DestinationStream;
  /** Static fields on every line (service name, instance). */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'aks-registry-triage', ...options.base },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubValue(object, 4) as Record<string, unknown>,
      },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      mixin: () => {
        const span = trace.getActiveSpan()?.spanContext();
        return { ...options.context?.current(), ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}) };
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const write = (level: 'info' | 'warn' | 'error') => (message: string, detail?: Record<string, unknown>) =>
    logger[level](detail ?? {}, scrub(message));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
