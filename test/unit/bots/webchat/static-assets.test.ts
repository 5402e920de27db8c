/** Static checks of the browser files that no unit test can run (no DOM here). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../../../src/web/${path}`, import.meta.url), 'utf8');

describe('web chat static files', () => {
  it('never parses message text as HTML', () => {
    const widget = read('static/widget.js');
    expect(widget).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(widget).toContain('textContent');
  });

  it('labels the chat for screen readers, in Spanish', () => {
    const widget = read('static/widget.js');
    expect(widget).toContain("setAttribute('role', 'log')");
    expect(widget).toContain("setAttribute('aria-live', 'polite')");
    expect(widget).toContain("'Escribe tu mensaje'");
    expect(widget).toContain("root.lang = 'es'");
  });

  it('the page at / mounts the widget without inline scripts (the CSP forbids them)', () => {
    const page = read('index.html');
    expect(page).toContain('<html lang="es">');
    expect(page).toMatch(/<script src="\/static\/widget\.js" data-mount="chat" defer><\/script>/);
    expect(page).not.toMatch(/<script>(?!<)/);
    expect(page).not.toMatch(/\son[a-z]+="/);
  });
});
