/**
 * The FAQ intents' utterances as the safety classifier's ordinary negatives: what citizens ask
 * every day must not alarm. Emergency intents are left out (they are not negatives).
 */
import { LANGUAGES } from '../../core/message.js';
import { isEmergencyIntent } from '../content/catalogue.js';
import type { Content } from '../content/loader.js';
import type { SafetyExample } from './corpus.js';

/** Every non-emergency utterance of the content, labelled `none` with topic `faq`. */
export function faqNegativesOf(content: Content): SafetyExample[] {
  const examples: SafetyExample[] = [];
  for (const intent of content.intents.values()) {
    if (isEmergencyIntent(intent.id)) continue;
    for (const language of LANGUAGES) {
      for (const text of intent.utterances[language]) examples.push({ text, label: 'none', language, topic: 'faq' });
    }
  }
  return examples;
}
