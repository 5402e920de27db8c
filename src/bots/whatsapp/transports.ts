/**
 * One `whatsapp` channel over two transports. Both the Cloud API and whatsapp-web.js speak for the
 * channel id `whatsapp`; each conversation remembers which transport it came through
 * (`replyContext.transport`) and its replies go back the same way.
 */
import type { ChannelAdapter, ChannelModule } from '../../core/channel-port.js';

/** Combines the configured WhatsApp transports; the first one is the default for old conversations. */
export function combineWhatsAppTransports(cloud: ChannelModule | undefined, web: ChannelModule | undefined): ChannelModule | undefined {
  if (cloud === undefined || web === undefined) return cloud ?? web;
  const adapter: ChannelAdapter = {
    channel: 'whatsapp',
    // The narrower of the two, so a reply degraded once fits either transport.
    capabilities: {
      choices: typeof cloud.adapter.capabilities.choices === 'number' && web.adapter.capabilities.choices === false ? false : cloud.adapter.capabilities.choices,
      attachments: cloud.adapter.capabilities.attachments && web.adapter.capabilities.attachments,
      maxTextLength: Math.min(cloud.adapter.capabilities.maxTextLength, web.adapter.capabilities.maxTextLength),
      markup: cloud.adapter.capabilities.markup,
      ...(cloud.adapter.capabilities.buttons === undefined ? {} : { buttons: cloud.adapter.capabilities.buttons }),
    },
    send(to, message, context) {
      return (to.replyContext?.transport === 'web' ? web : cloud).adapter.send(to, message, context);
    },
    // Only the Cloud API has a reply window to reopen: whatsapp-web.js never refuses for it.
    ...(cloud.adapter.reopen === undefined ? {} : { reopen: cloud.adapter.reopen.bind(cloud.adapter) }),
  };
  const routes = cloud.routes ?? web.routes;
  return {
    adapter,
    ...(routes === undefined ? {} : { routes }),
    async start() {
      await cloud.start?.();
      await web.start?.();
    },
    async stop() {
      await web.stop?.();
      await cloud.stop?.();
    },
  };
}
