/**
 * whatsapp-web.js pulls puppeteer, whose postinstall downloads Chrome. That download fails without
 * internet and rolls back the whole `npm ci`; Ventanilla uses the system Chromium instead
 * (WHATSAPP_WEB_CHROMIUM_PATH, default /usr/bin/chromium).
 * @type {import('puppeteer').Configuration}
 */
module.exports = { skipDownload: true };
