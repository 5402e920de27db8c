/**
 * The widget's own texts (title, labels, status lines, welcome) per language, served at
 * `GET /webchat/api/texts` from the message catalogues (keys `widget.*`), so the widget and the
 * hub's other citizen texts are translated, checked and fall back to Spanish in one place.
 */
import { Type, type Static } from '@sinclair/typebox';
import { catalogue } from '../../core/i18n.js';
import { LANGUAGES, type Language } from '../../core/message.js';
import { WEBCHAT_MAX_TEXT } from './config.js';

const Texts = Type.Record(Type.String(), Type.String());

/** Response schema of `GET /webchat/api/texts`: `{ languages: { es: { title: …, … }, eu: … } }`. */
export const WIDGET_TEXTS_RESPONSE = Type.Object({
  languages: Type.Object(Object.fromEntries(LANGUAGES.map((language) => [language, Texts])) as Record<Language, typeof Texts>),
});
export type WidgetTexts = Static<typeof WIDGET_TEXTS_RESPONSE>;

/** Every `widget.*` text in every language, placeholders filled (numbers formatted with `Intl`). */
export function widgetTexts(): WidgetTexts {
  const texts = catalogue();
  const languages = Object.fromEntries(
    LANGUAGES.map((language) => {
      const section = texts.section(language, 'widget');
      const filled = Object.fromEntries(Object.keys(section).map((key) => [key, texts.text(language, `widget.${key}`, { max: WEBCHAT_MAX_TEXT })]));
      return [language, filled];
    }),
  ) as Record<Language, Record<string, string>>;
  return { languages };
}
