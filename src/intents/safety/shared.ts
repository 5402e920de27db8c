/**
 * One trained safety net per process and corpus folder. The hub's start-up and every model the
 * editor publishes use the same net, so publishing FAQ content never switches the safety
 * classifier off, and it trains once (well under a second) however many modules are built.
 */
import type { Content } from '../content/loader.js';
import { normalizeText } from '../normalize.js';
import { DEFAULT_SAFETY_DIR, loadSafetyCorpus } from './corpus.js';
import { SafetyNet } from './detector.js';
import { faqNegativesOf } from './faq-negatives.js';

const nets = new Map<string, Promise<SafetyNet>>();

/**
 * The safety net trained on `dir` (default `config/safety`) plus the FAQ utterances of the first
 * `content` it was asked with. Throws `HUB_ERR_CONTENT` when a corpus line is malformed; a folder
 * without corpus files gives a rules-only net.
 */
export function sharedSafetyNet(content: Content, dir: string = DEFAULT_SAFETY_DIR): Promise<SafetyNet> {
  let net = nets.get(dir);
  if (net === undefined) {
    net = (async () => {
      const corpus = await loadSafetyCorpus(dir);
      if (corpus.length === 0) return SafetyNet.rulesOnly();
      return SafetyNet.train([...corpus, ...faqNegativesOf(content)], normalizeText);
    })();
    // A failed load must not be cached: the next start-up attempt reads the files again.
    net.catch(() => nets.delete(dir));
    nets.set(dir, net);
  }
  return net;
}
