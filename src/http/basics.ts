/**
 * What every HTTP reply of the hub shares: security headers, the OpenAPI document at `/docs`, and
 * the liveness and readiness probes.
 */
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers (CSP, HSTS…) and the API docs. Over plain HTTP (HOST=0.0.0.0 on a LAN),
 * `upgrade-insecure-requests` would rewrite the pages' own scripts and styles to https:// and
 * break them, and HSTS would lock browsers out: both only when `https`.
 */
export async function registerHeadersAndDocs(app: FastifyInstance, https: boolean): Promise<void> {
  await app.register(fastifyHelmet, {
    // The widget script is loaded by other sites: allow cross-origin reads of static assets.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Ventanilla API', version: '0.1.0', description: 'Channel webhooks, web chat, agent console and editor APIs of the Ventanilla hub.' },
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) =>
      https
        ? header
        : header
            .split(';')
            .map((directive) => directive.trim())
            .filter((directive) => directive !== '' && directive !== 'upgrade-insecure-requests')
            .join('; '),
  });
}

/** `GET /healthz` (the process answers) and `GET /readyz` (the store answers and the model is loaded: else 503). */
export function registerHealth(app: FastifyInstance, probes: { readonly store: () => Promise<boolean>; readonly model: () => boolean }): void {
  app.get(
    '/healthz',
    { schema: { description: 'Liveness: the process answers.', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  const Readiness = Type.Object({ status: Type.String(), store: Type.Boolean(), model: Type.Boolean() });
  app.get(
    '/readyz',
    { schema: { description: 'Readiness: the store answers and the NLU model is loaded.', response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const store = await probes.store();
      const model = probes.model();
      return reply.status(store && model ? 200 : 503).send({ status: store && model ? 'ready' : 'not ready', store, model });
    },
  );
}
