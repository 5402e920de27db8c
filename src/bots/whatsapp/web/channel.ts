/**
 * The whatsapp-web.js channel: drives WhatsApp Web in the system Chromium with a paired phone.
 * Only one process may own the session (a PostgreSQL advisory lock); the client is always
 * destroyed on stop, otherwise the browser outlives the hub.
 * https://wwebjs.dev/guide/
 */
import { access, constants } from 'node:fs/promises';
import type { ChannelAdapter, ChannelDeps, ChannelModule } from '../../../core/channel-port.js';
import { HubError } from '../../../core/errors.js';
import type { OutboundMessage, Recipient } from '../../../core/message.js';
import type { WhatsAppWebConfig } from './config.js';
import { decodeWhatsAppWebMessage, type WhatsAppWebMessageLike } from './inbound.js';
import { WHATSAPP_WEB_CAPABILITIES, whatsappWebText } from './outbound.js';

/** Browser flags for a closed network: no background calls home, no GPU, no QUIC. */
export const WHATSAPP_WEB_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** The options the client is built with (the default factory maps them to `Client` + `LocalAuth`). */
export interface WhatsAppWebClientOptions {
  readonly dataPath: string;
  readonly puppeteer: { readonly executablePath: string; readonly headless: true; readonly args: readonly string[] };
}

/** The part of a whatsapp-web.js `Client` the channel uses (tests pass an EventEmitter fake). */
export interface WhatsAppWebClientLike {
  on(event: 'qr' | 'code' | 'auth_failure' | 'disconnected', listener: (value: string) => void): unknown;
  on(event: 'ready' | 'authenticated', listener: () => void): unknown;
  on(event: 'message', listener: (message: WhatsAppWebMessageLike) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<{ readonly id: { readonly _serialized: string } }>;
  requestPairingCode(phoneNumber: string): Promise<string>;
}

export type WhatsAppWebClientFactory = (options: WhatsAppWebClientOptions) => WhatsAppWebClientLike | Promise<WhatsAppWebClientLike>;

export type WhatsAppWebStatus = 'stopped' | 'standby' | 'starting' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'auth_failure';

/** What the admin page shows while pairing. */
export interface WhatsAppWebPairingState {
  readonly status: WhatsAppWebStatus;
  /** The current QR string (render it as a QR code); only while `status === 'qr'`. */
  readonly qr?: string;
  /** The 8-character code to type on the phone when pairing by phone number. */
  readonly pairingCode?: string;
}

export interface WhatsAppWebDeps extends ChannelDeps {
  /** Builds the client; default: whatsapp-web.js `Client` with `LocalAuth` (tests inject a fake). */
  readonly clientFactory?: WhatsAppWebClientFactory;
  /** Takes the session singleton (PostgreSQL advisory lock). Required: start refuses without it. */
  readonly acquireSingletonLock?: () => Promise<boolean>;
  /** Releases the singleton on stop, when the lock needs an explicit release. */
  readonly releaseSingletonLock?: () => Promise<void>;
  /** Prints the pairing QR in the terminal; default: qrcode-terminal on stdout. */
  readonly printQr?: (qr: string) => void;
  /** Prints the phone pairing code in the terminal; default: stdout. */
  readonly printPairingCode?: (code: string) => void;
  /** Reconnect backoff: first delay and ceiling. Default 2 s doubling up to 5 min. */
  readonly reconnect?: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  /** Timer used for reconnect backoff (tests record the delays). */
  readonly scheduler?: { set(callback: () => void, delayMs: number): unknown; clear(handle: unknown): void };
  readonly now?: () => Date;
}

/** The whatsapp-web.js channel module plus its pairing state for the admin page. */
export interface WhatsAppWebChannelModule extends ChannelModule {
  getPairingState(): WhatsAppWebPairingState;
}

const defaultScheduler = {
  set: (callback: () => void, delayMs: number): unknown => setTimeout(callback, delayMs).unref(),
  clear: (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

async function defaultClientFactory(options: WhatsAppWebClientOptions): Promise<WhatsAppWebClientLike> {
  const wwebjs = (await import('whatsapp-web.js')).default;
  const client = new wwebjs.Client({
    authStrategy: new wwebjs.LocalAuth({ dataPath: options.dataPath }),
    puppeteer: { executablePath: options.puppeteer.executablePath, headless: options.puppeteer.headless, args: [...options.puppeteer.args] },
  });
  // The library's typings declare many more overloads than the channel needs.
  return client as unknown as WhatsAppWebClientLike;
}

async function defaultPrintQr(qr: string): Promise<void> {
  const qrcodeTerminal = (await import('qrcode-terminal')).default;
  qrcodeTerminal.generate(qr, { small: true }, (rendered) => {
    process.stdout.write(`\nWhatsApp Web pairing: scan this QR with the phone (WhatsApp → Linked devices)\n${rendered}\n`);
  });
}

/**
 * Creates the whatsapp-web.js channel. `start()` refuses (`HUB_ERR_CONFIG`) without
 * `deps.acquireSingletonLock`; when another process holds the lock it stays in `standby` and
 * `send` throws a retryable error so the owner's outbox worker delivers. It launches the client
 * without waiting for pairing: the QR is printed and kept for {@link WhatsAppWebChannelModule.getPairingState};
 * with `pairingPhone` a pairing code is requested at the first QR. `disconnected` or a failed
 * launch reconnects with exponential backoff; `stop()` always destroys the client.
 */
export function createWhatsAppWebChannel(config: WhatsAppWebConfig, deps: WhatsAppWebDeps): WhatsAppWebChannelModule {
  const log = deps.logger;
  const scheduler = deps.scheduler ?? defaultScheduler;
  const backoff = deps.reconnect ?? { initialDelayMs: 2_000, maxDelayMs: 300_000 };
  const now = deps.now ?? (() => new Date());
  const printQr = deps.printQr ?? ((qr: string) => void defaultPrintQr(qr).catch(() => undefined));
  const printPairingCode = deps.printPairingCode ?? ((code: string) => void process.stdout.write(`\nWhatsApp Web pairing code: ${code}\n`));
  const clientOptions: WhatsAppWebClientOptions = {
    dataPath: config.sessionDir,
    puppeteer: { executablePath: config.chromiumPath, headless: true, args: WHATSAPP_WEB_CHROMIUM_ARGS },
  };

  let client: WhatsAppWebClientLike | undefined;
  let state: WhatsAppWebPairingState = { status: 'stopped' };
  let stopping = false;
  let ownsLock = false;
  let attempt = 0;
  let timer: unknown;
  let pairingRequested = false;

  function setState(next: WhatsAppWebPairingState): void {
    state = next;
  }

  function wire(current: WhatsAppWebClientLike): void {
    // Events of a client being replaced must not touch the state of its successor.
    const live = (): boolean => client === current && !stopping;
    current.on('qr', (qr) => {
      if (!live()) return;
      setState({ status: 'qr', qr, ...(state.pairingCode === undefined ? {} : { pairingCode: state.pairingCode }) });
      log.info({ channel: 'whatsapp-web' }, 'whatsapp-web pairing QR received: scan it in the terminal or on the admin page');
      printQr(qr);
      if (config.pairingPhone !== undefined && !pairingRequested) {
        pairingRequested = true;
        current.requestPairingCode(config.pairingPhone).then(
          (code) => {
            if (!live()) return;
            setState({ ...state, pairingCode: code });
            log.info({ channel: 'whatsapp-web' }, 'whatsapp-web pairing code ready: type it on the phone (Linked devices → Link with phone number)');
            printPairingCode(code);
          },
          (error: unknown) => log.error({ channel: 'whatsapp-web', err: error }, 'whatsapp-web pairing code request failed'),
        );
      }
    });
    current.on('code', (code) => {
      if (live()) setState({ ...state, pairingCode: code });
    });
    current.on('authenticated', () => {
      if (live()) setState({ status: 'authenticated' });
    });
    current.on('ready', () => {
      if (!live()) return;
      attempt = 0;
      pairingRequested = false;
      setState({ status: 'ready' });
      log.info({ channel: 'whatsapp-web' }, 'whatsapp-web session ready');
    });
    current.on('auth_failure', (reason) => {
      if (!live()) return;
      setState({ status: 'auth_failure' });
      log.error({ channel: 'whatsapp-web', reason }, 'whatsapp-web authentication failed: pair again (delete the session folder if it persists)');
    });
    current.on('disconnected', (reason) => {
      if (!live()) return;
      setState({ status: 'disconnected' });
      log.warn({ channel: 'whatsapp-web', reason }, 'whatsapp-web disconnected: reconnecting');
      scheduleReconnect();
    });
    current.on('message', (message) => {
      if (!live()) return;
      const inbound = decodeWhatsAppWebMessage(message, now());
      if (inbound === undefined) return;
      deps.sink.accept(inbound).then(
        ({ duplicate }) => log.debug({ channel: 'whatsapp-web', messageId: inbound.id, kind: inbound.kind, duplicate }, 'whatsapp-web message accepted'),
        // whatsapp-web.js never redelivers: a store failure loses this message, so say so loudly.
        (error: unknown) => log.error({ channel: 'whatsapp-web', messageId: inbound.id, err: error }, 'whatsapp-web message could not be stored'),
      );
    });
  }

  async function launch(): Promise<void> {
    const previous = client;
    client = undefined;
    if (previous !== undefined) await previous.destroy().catch((error: unknown) => log.warn({ channel: 'whatsapp-web', err: error }, 'whatsapp-web destroy failed'));
    if (stopping) return;
    const next = await (deps.clientFactory ?? defaultClientFactory)(clientOptions);
    client = next;
    wire(next);
    setState({ status: 'starting' });
    // initialize() may wait for pairing: do not block start-up on it.
    next.initialize().catch((error: unknown) => {
      if (client !== next || stopping) return;
      log.error({ channel: 'whatsapp-web', err: error }, 'whatsapp-web client failed to start: retrying');
      setState({ status: 'disconnected' });
      scheduleReconnect();
    });
  }

  function scheduleReconnect(): void {
    if (stopping || timer !== undefined) return;
    attempt += 1;
    const delayMs = Math.min(backoff.initialDelayMs * 2 ** (attempt - 1), backoff.maxDelayMs);
    log.info({ channel: 'whatsapp-web', attempt, delayMs }, 'whatsapp-web reconnect scheduled');
    timer = scheduler.set(() => {
      timer = undefined;
      launch().catch((error: unknown) => {
        log.error({ channel: 'whatsapp-web', err: error }, 'whatsapp-web reconnect failed');
        scheduleReconnect();
      });
    }, delayMs);
  }

  const adapter: ChannelAdapter = {
    channel: 'whatsapp',
    capabilities: WHATSAPP_WEB_CAPABILITIES,
    async send(to: Recipient, message: OutboundMessage) {
      const current = client;
      if (current === undefined || state.status !== 'ready') {
        throw new HubError(
          'HUB_ERR_CHANNEL_RETRYABLE',
          state.status === 'standby'
            ? 'whatsapp-web session is owned by another instance: the outbox will retry'
            : `whatsapp-web session is not ready (${state.status}): the outbox will retry`,
          { details: { status: state.status } },
        );
      }
      const chatId = to.replyContext?.chatId ?? `${to.participant.id}@c.us`;
      const text = whatsappWebText(message);
      try {
        const sent = await current.sendMessage(chatId, text);
        return { id: sent.id._serialized };
      } catch (cause) {
        // The page may be reloading; the outbox retries with backoff.
        throw new HubError('HUB_ERR_CHANNEL_RETRYABLE', `whatsapp-web could not send: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
    },
  };

  return {
    adapter,
    getPairingState: () => state,
    async start() {
      if (deps.acquireSingletonLock === undefined) {
        throw new HubError(
          'HUB_ERR_CONFIG',
          'whatsapp-web needs a singleton lock so only one process owns the session: pass acquireSingletonLock (PostgreSQL advisory lock)',
        );
      }
      if (deps.clientFactory === undefined) {
        await access(config.chromiumPath, constants.X_OK).catch((cause: unknown) => {
          throw new HubError(
            'HUB_ERR_CONFIG',
            `Chromium not found at ${config.chromiumPath}: install it (Debian: apt install chromium) or set WHATSAPP_WEB_CHROMIUM_PATH`,
            { cause },
          );
        });
      }
      stopping = false;
      ownsLock = await deps.acquireSingletonLock();
      if (!ownsLock) {
        setState({ status: 'standby' });
        log.info({ channel: 'whatsapp-web' }, 'whatsapp-web session is owned by another instance: this one stays in standby');
        return;
      }
      await launch();
    },
    async stop() {
      stopping = true;
      if (timer !== undefined) {
        scheduler.clear(timer);
        timer = undefined;
      }
      const current = client;
      client = undefined;
      try {
        // Always destroy, or the Chromium process outlives the hub.
        if (current !== undefined) await current.destroy();
      } catch (error) {
        log.warn({ channel: 'whatsapp-web', err: error }, 'whatsapp-web destroy failed');
      } finally {
        setState({ status: 'stopped' });
        if (ownsLock && deps.releaseSingletonLock !== undefined) {
          ownsLock = false;
          await deps.releaseSingletonLock().catch((error: unknown) => log.warn({ channel: 'whatsapp-web', err: error }, 'whatsapp-web lock release failed'));
        }
      }
    },
  };
}
