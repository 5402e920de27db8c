/**
 * Start-up configuration: `config/default.yaml` validated by a TypeBox schema, then environment
 * variables on top. Any bad value stops start-up with a HUB_ERR_CONFIG that names the key and the fix.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { WEBCHAT_LIMIT_DEFAULTS, type WebchatLimits } from './bots/webchat/limits.js';
import { HubError } from './core/errors.js';
import { parseTrustProxy } from './core/trust-proxy.js';
import { LANGUAGES } from './core/message.js';
import { RETENTION_CLASSES, RETENTION_DEFAULTS, type RetentionDays } from './privacy/retention-config.js';

/** The project root (where `config/` and `src/` live). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)));

export const ConfigSchema = Type.Object(
  {
    server: Type.Object({
      port: Type.Integer({ minimum: 0, maximum: 65535 }),
      host: Type.String({ minLength: 1 }),
      bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024 }),
      publicUrl: Type.Union([Type.String({ pattern: '^https?://' }), Type.Null()]),
      // Optional keys (here and under webchat) so a config file written before them still loads.
      https: Type.Optional(Type.Union([Type.Literal('auto'), Type.Boolean()])),
      // Reverse proxies in front of the hub: false, true, a hop count or addresses/CIDRs (core/trust-proxy.ts).
      trustProxy: Type.Optional(Type.Union([Type.Boolean(), Type.Integer({ minimum: 0, maximum: 10 }), Type.String({ pattern: '^[0-9a-fA-F.:/, ]+$' })])),
    }),
    storage: Type.Object({
      dataDir: Type.String({ minLength: 1 }),
      databaseUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
      // PostgreSQL connections per pool of one instance (the store keeps a query pool and a turn-lock pool).
      poolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
      // Optional so a config file written before it still loads; null: <dataDir>/models.
      modelCacheDir: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    }),
    logLevel: LogLevel,
    defaultLanguage: Type.Union(LANGUAGES.map((l) => Type.Literal(l))),
    outbox: Type.Object({
      maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }),
      baseDelayMs: Type.Integer({ minimum: 1 }),
      maxDelayMs: Type.Integer({ minimum: 1 }),
      leaseMs: Type.Integer({ minimum: 1000 }),
    }),
    shutdown: Type.Object({ graceMs: Type.Integer({ minimum: 0 }) }),
    privacy: Type.Optional(
      Type.Object(
        {
          // Days each class of personal data is kept; 0 or less would erase everything at once.
          retentionDays: Type.Optional(
            Type.Object(
              Object.fromEntries(RETENTION_CLASSES.map((name) => [name, Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 }))])),
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    webchat: Type.Optional(
      Type.Object(
        {
          // Sites allowed to embed the widget from another origin ("*" for any); none by default.
          allowedOrigins: Type.Optional(Type.Union([Type.Literal('*'), Type.Array(Type.String({ pattern: '^https?://[^/\\s]+$' }))])),
          limits: Type.Optional(
            Type.Object(
              {
                requestsPerClientPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
                messagesPerSessionPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
                sessionsPerClientPerHour: Type.Optional(Type.Integer({ minimum: 1 })),
                streamsPerSession: Type.Optional(Type.Integer({ minimum: 1 })),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

type RawConfig = Static<typeof ConfigSchema>;

/** The validated configuration, with paths resolved and defaults filled in. */
export type HubConfig = Omit<RawConfig, 'webchat' | 'privacy'> & {
  readonly configDir: string;
  /** `storage.databaseUrl` resolved: a postgres:// URL or an absolute SQLite path. */
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** `storage.modelCacheDir` resolved: where trained NLU models are cached (default `<dataDir>/models`). */
  readonly modelCacheDir: string;
  /**
   * `server.https` resolved: true when forced, or (auto) when `publicUrl` is https:// or
   * VENTANILLA_COOKIE_SECURE is true. Only then do responses carry HSTS and the CSP's
   * `upgrade-insecure-requests`, which would break the pages over plain HTTP.
   */
  readonly servedOverHttps: boolean;
  /** `webchat.limits`, each missing key at its default; `allowedOrigins` [] (same origin only) when unset. */
  readonly webchat: { readonly limits: WebchatLimits; readonly allowedOrigins: '*' | readonly string[] };
  /** `privacy.retentionDays`, each missing class at its default. */
  readonly privacy: { readonly retentionDays: RetentionDays };
};

interface EnvBinding {
  readonly env: string;
  readonly path: readonly string[];
  readonly type: 'string' | 'integer' | 'nullable-string' | 'auto-boolean' | 'trust-proxy' | 'origins';
  readonly fix: string;
}

/** Every environment variable the core reads (channels read their own; see the README). */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { env: 'PORT', path: ['server', 'port'], type: 'integer', fix: 'set PORT to a free TCP port such as 3000' },
  { env: 'HOST', path: ['server', 'host'], type: 'string', fix: 'set HOST to an interface address such as 127.0.0.1 or 0.0.0.0' },
  { env: 'VENTANILLA_BODY_LIMIT', path: ['server', 'bodyLimitBytes'], type: 'integer', fix: 'set VENTANILLA_BODY_LIMIT to a size in bytes between 1024 and 104857600' },
  { env: 'VENTANILLA_PUBLIC_URL', path: ['server', 'publicUrl'], type: 'nullable-string', fix: 'set VENTANILLA_PUBLIC_URL to an http(s):// URL such as https://ventanilla.example.org' },
  { env: 'VENTANILLA_HTTPS', path: ['server', 'https'], type: 'auto-boolean', fix: 'set VENTANILLA_HTTPS to auto, true or false' },
  { env: 'VENTANILLA_TRUST_PROXY', path: ['server', 'trustProxy'], type: 'trust-proxy', fix: 'set VENTANILLA_TRUST_PROXY to false, true, a number of proxy hops (1) or the proxies\' addresses/CIDRs (10.0.0.0/8,127.0.0.1)' },
  { env: 'VENTANILLA_WEBCHAT_ORIGINS', path: ['webchat', 'allowedOrigins'], type: 'origins', fix: 'set VENTANILLA_WEBCHAT_ORIGINS to the sites that embed the widget, e.g. https://www.ayto.example,https://sede.ayto.example (or * for any)' },
  { env: 'VENTANILLA_DATA_DIR', path: ['storage', 'dataDir'], type: 'string', fix: 'set VENTANILLA_DATA_DIR to a writable directory' },
  { env: 'VENTANILLA_DATABASE_URL', path: ['storage', 'databaseUrl'], type: 'nullable-string', fix: 'set VENTANILLA_DATABASE_URL to a SQLite file path (data/ventanilla.db) or a postgres:// URL' },
  { env: 'VENTANILLA_DATABASE_POOL', path: ['storage', 'poolSize'], type: 'integer', fix: 'set VENTANILLA_DATABASE_POOL to a whole number of PostgreSQL connections between 1 and 200, e.g. 10' },
  { env: 'VENTANILLA_MODEL_CACHE_DIR', path: ['storage', 'modelCacheDir'], type: 'nullable-string', fix: 'set VENTANILLA_MODEL_CACHE_DIR to a writable directory (or leave it unset for <data dir>/models)' },
  { env: 'LOG_LEVEL', path: ['logLevel'], type: 'string', fix: 'set LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent' },
  { env: 'VENTANILLA_DEFAULT_LANGUAGE', path: ['defaultLanguage'], type: 'string', fix: 'set VENTANILLA_DEFAULT_LANGUAGE to one of es, ca, gl, eu, en' },
  { env: 'VENTANILLA_OUTBOX_MAX_ATTEMPTS', path: ['outbox', 'maxAttempts'], type: 'integer', fix: 'set VENTANILLA_OUTBOX_MAX_ATTEMPTS to a whole number between 1 and 100' },
  { env: 'VENTANILLA_SHUTDOWN_GRACE_MS', path: ['shutdown', 'graceMs'], type: 'integer', fix: 'set VENTANILLA_SHUTDOWN_GRACE_MS to milliseconds, e.g. 10000' },
];

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function envValue(binding: EnvBinding, raw: string): unknown {
  if (binding.type === 'integer') {
    if (!/^-?\d+$/.test(raw.trim())) throw new HubError('HUB_ERR_CONFIG', `${binding.env}="${raw}" is not a whole number: ${binding.fix}.`);
    return Number(raw.trim());
  }
  if (binding.type === 'nullable-string' && raw.trim() === '') return null;
  if (binding.type === 'trust-proxy') return parseTrustProxy(raw);
  if (binding.type === 'origins') return raw.trim() === '*' ? '*' : raw.split(',').map((origin) => origin.trim().replace(/\/$/, '')).filter((origin) => origin !== '');
  if (binding.type === 'auto-boolean') {
    const value = raw.trim().toLowerCase();
    if (value === 'auto') return 'auto';
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new HubError('HUB_ERR_CONFIG', `${binding.env}="${raw}" is not auto, true or false: ${binding.fix}.`);
  }
  return raw.trim();
}

function validate<T extends TSchema>(schema: T, value: unknown, source: string, envByPath: Map<string, EnvBinding>): Static<T> {
  const first = Value.Errors(schema, value).First();
  if (first === undefined) return value as Static<T>;
  const key = first.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
  const binding = envByPath.get(key);
  const fix = binding === undefined ? `fix "${key}" in ${source}` : `${binding.fix} (or fix "${key}" in ${source})`;
  throw new HubError('HUB_ERR_CONFIG', `invalid configuration "${key}"${binding === undefined ? '' : ` (${binding.env})`}: ${first.message} (got ${JSON.stringify(first.value)}). To fix it: ${fix}.`);
}

/**
 * Loads and validates the configuration. `configDir` defaults to `VENTANILLA_CONFIG_DIR` or the
 * project's `config/`. Throws HUB_ERR_CONFIG naming the key and the fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, configDir = env.VENTANILLA_CONFIG_DIR ?? join(PROJECT_ROOT, 'config')): HubConfig {
  const file = join(configDir, 'default.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HubError('HUB_ERR_CONFIG', `cannot read ${file}: ${String(error)}. Set VENTANILLA_CONFIG_DIR to the folder that holds default.yaml.`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new HubError('HUB_ERR_CONFIG', `${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof raw !== 'object' || raw === null) throw new HubError('HUB_ERR_CONFIG', `${file} must be a YAML mapping of settings`);
  const merged = structuredClone(raw) as Record<string, unknown>;
  const envByPath = new Map<string, EnvBinding>();
  for (const binding of ENV_BINDINGS) {
    envByPath.set(binding.path.join('.'), binding);
    const value = env[binding.env];
    if (value !== undefined && value !== '') setPath(merged, binding.path, envValue(binding, value));
  }
  const config = validate(ConfigSchema, merged, file, envByPath);
  const dataDir = resolve(config.storage.dataDir);
  const url = config.storage.databaseUrl;
  const databaseUrl =
    url === null ? join(dataDir, 'ventanilla.db') : /^postgres(ql)?:\/\//i.test(url) || url === ':memory:' ? url : resolve(url);
  const modelCacheDir = resolve(config.storage.modelCacheDir ?? join(dataDir, 'models'));
  const https = config.server.https ?? 'auto';
  // The handoff console reads VENTANILLA_COOKIE_SECURE for its cookie; true there means HTTPS here.
  const cookieSecure = ['1', 'true'].includes((env.VENTANILLA_COOKIE_SECURE ?? '').trim().toLowerCase());
  const servedOverHttps = https === 'auto' ? (config.server.publicUrl?.startsWith('https://') ?? false) || cookieSecure : https;
  const limits = { ...WEBCHAT_LIMIT_DEFAULTS, ...config.webchat?.limits };
  const retentionDays = { ...RETENTION_DEFAULTS, ...config.privacy?.retentionDays };
  return { ...config, configDir, dataDir, databaseUrl, modelCacheDir, servedOverHttps, webchat: { limits, allowedOrigins: config.webchat?.allowedOrigins ?? [] }, privacy: { retentionDays } };
}
