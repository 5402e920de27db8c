/**
 * The editor's use cases: seeding, publishing (train in the worker → quality gate → freeze a
 * version → swap the live model), rollback, the try-it console and multi-instance sync. Only one
 * publish or rollback runs at a time per process; versions are numbered in the store, so several
 * instances agree on them and each loads the live version's stored model.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { HubError } from '../core/errors.js';
import type { HubEvents } from '../core/events.js';
import { LANGUAGES, type ChannelId, type Language } from '../core/message.js';
import type { EditorStore, VersionInfo } from './content-store.js';
import { diffContent, isEmptyDiff } from './diff.js';
import { PREVIEW_CHANNELS, previewOn, type PreviewChannel, type PreviewMessage } from './channel-preview.js';
import type { IntentsModule } from '../intents/contract.js';
import { corpusCacheKey } from '../intents/engine.js';
import { readCachedModels, writeCachedModels } from '../intents/model-cache.js';
import { toIntentsContent } from './content-io.js';
import { tryTurn, type BuildModule, type LiveIntents, type TryOutcome } from './live-intents.js';
import { parseDevSet, type DevLine, type ModelExport } from './model.js';
import type { Trainer, TrainProgress } from './trainer.js';
import { completenessProblems, type EditorContent } from './types.js';

/** What the progress endpoint shows. */
export interface PublishStatus {
  readonly state: 'idle' | 'training' | 'evaluating' | 'swapping' | 'done' | 'refused' | 'failed';
  readonly percent: number;
  readonly stage: string;
  readonly language?: Language;
  readonly version?: number;
  readonly reasons?: readonly string[];
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
}

export interface EditorServiceOptions {
  readonly editorStore: EditorStore;
  readonly trainer: Trainer;
  readonly live: LiveIntents;
  readonly buildModule: BuildModule;
  readonly events: HubEvents;
  readonly logger: Logger;
  /** Languages that must be complete for every enabled intent (default: all five). */
  readonly languages?: readonly Language[];
  /** JSONL dev set for the accuracy gate; missing file → the accuracy check is skipped (logged). */
  readonly devSetPath?: string;
  /** Largest accuracy drop accepted, in points of 1 (default 0.02 = 2 %). */
  readonly maxAccuracyDrop?: number;
  readonly clock?: () => Date;
  /**
   * A model cache folder for the seeded version (keyed by its corpus, `intents/model-cache.ts`):
   * a new database seeded with content trained before takes those models instead of training.
   */
  readonly seedModelCacheDir?: string;
}

/** A publish the quality gate refused, with every reason. */
export class QualityGateError extends HubError {
  constructor(readonly reasons: readonly string[]) {
    super('HUB_ERR_QUALITY_GATE', `publish refused by the quality gate: ${reasons.join('; ')}`, { details: { reasons }, reply: { reasons: [...reasons] } });
  }
}

/** One try-it outcome with the replies as each previewed channel would deliver them. */
export interface TryView extends TryOutcome {
  readonly channels: Readonly<Record<PreviewChannel, readonly PreviewMessage[]>>;
}

export interface TryResult {
  readonly draft: TryView;
  readonly published: TryView & { readonly version: number };
}

/** What a rollback does to the draft: kept as it is (default) or replaced by the restored version. */
export interface RollbackOptions {
  readonly resetDraft?: boolean;
}

function parseModel(model: string | null): ModelExport | null {
  return model === null ? null : (JSON.parse(model) as ModelExport);
}

/** Lets queued turns run between two pieces of publish work on the request thread. */
function yieldToTurns(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The editor's use cases. */
export class EditorService {
  private status: PublishStatus = { state: 'idle', percent: 0, stage: 'idle' };
  private busy = false;
  private devSet: DevLine[] | null | undefined;
  private draftModel: { revision: number; languages: Set<Language>; models: Record<string, string>; module?: Promise<IntentsModule> } | undefined;
  private readonly clock: () => Date;
  readonly languages: readonly Language[];

  constructor(private readonly options: EditorServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.languages = options.languages ?? LANGUAGES;
  }

  get progress(): PublishStatus {
    return this.status;
  }

  private setStatus(status: PublishStatus): void {
    this.status = status;
    this.options.events.emit('custom', { type: 'editor.publish_progress', data: { ...status } });
  }

  private async loadDevSet(): Promise<DevLine[] | null> {
    if (this.devSet !== undefined) return this.devSet;
    if (this.options.devSetPath === undefined) return (this.devSet = null);
    try {
      this.devSet = parseDevSet(await readFile(this.options.devSetPath, 'utf8'));
    } catch {
      this.options.logger.warn({ file: this.options.devSetPath }, 'editor: dev set not found, the accuracy gate is skipped');
      this.devSet = null;
    }
    return this.devSet;
  }

  /** The publish gate's completeness reasons over the hub's languages (see {@link completenessProblems}). */
  completenessProblems(content: EditorContent): string[] {
    return completenessProblems(content, this.languages);
  }

  /**
   * Makes the live version's stored model answer (start-up and other instances' publishes).
   * Version 1 seeded from config has no model: the module the hub started with already answers
   * it, so nothing is swapped; its model is trained in the background for later comparisons.
   */
  async syncLive(): Promise<void> {
    const { editorStore, live } = this.options;
    const number = await editorStore.liveVersion();
    if (number === 0 || number === live.version) return;
    const version = await editorStore.getVersion(number);
    if (version === undefined) return;
    const model = parseModel(version.model);
    if (model === null) {
      if (live.version === 0) return;
      // A rollback to an untrained seed on another instance: train it here.
      const trained = await this.options.trainer.train({ content: version.content, languages: this.languages });
      await editorStore.setVersionModel(number, JSON.stringify(trained.models), null);
      live.swap(await this.options.buildModule(version.content, trained.models), number);
      return;
    }
    live.swap(await this.options.buildModule(version.content, model), number);
  }

  /** Trains and stores the model of the live version when it has none (the seeded version 1). */
  async trainSeedModel(): Promise<void> {
    const number = await this.options.editorStore.liveVersion();
    const version = await this.options.editorStore.getVersion(number);
    if (version === undefined || version.model !== null) return;
    const cacheDir = this.options.seedModelCacheDir;
    const key = cacheDir === undefined ? undefined : corpusCacheKey(toIntentsContent(version.content), this.languages);
    const cached = cacheDir === undefined || key === undefined ? undefined : await readCachedModels(cacheDir, key);
    if (cached !== undefined && this.languages.every((language) => typeof cached[language] === 'string')) {
      await this.options.editorStore.setVersionModel(number, JSON.stringify(cached), null);
      return;
    }
    const trained = await this.options.trainer.train({ content: version.content, languages: this.languages });
    await this.options.editorStore.setVersionModel(number, JSON.stringify(trained.models), null);
    if (cacheDir !== undefined && key !== undefined) await writeCachedModels(cacheDir, key, trained.models);
  }

  private begin(): void {
    if (this.busy) throw new HubError('HUB_ERR_CONFLICT', 'a publish or rollback is already running: wait for it to finish (GET /api/editor/publish/status)');
    this.busy = true;
  }

  /**
   * Publishes the draft: gate → train (worker) → evaluate → freeze version → swap. Throws
   * {@link QualityGateError} with every reason when refused; 409 while another publish runs.
   */
  async publish(message: string, actor: string): Promise<VersionInfo> {
    this.begin();
    const started = this.clock();
    const t0 = performance.now();
    this.setStatus({ state: 'training', percent: 0, stage: 'validate', startedAt: started.toISOString() });
    try {
      const { editorStore, trainer } = this.options;
      // Each step parses or compares whole content sets: yield between them so turns keep flowing.
      const content = await editorStore.draftContent();
      await yieldToTurns();
      const liveNumber = await editorStore.liveVersion();
      const liveVersion = await editorStore.getVersion(liveNumber);
      await yieldToTurns();
      const diff = diffContent(liveVersion?.content, content);
      await yieldToTurns();
      const reasons = this.completenessProblems(content);
      if (isEmptyDiff(diff)) reasons.push('el borrador no cambia nada respecto a la versión publicada');
      if (reasons.length > 0) throw new QualityGateError(reasons);
      const devSet = await this.loadDevSet();
      const result = await trainer.train(
        {
          content,
          languages: this.languages,
          ...(devSet === null ? {} : { devSet }),
          ...(devSet === null || liveVersion === undefined ? {} : { baseline: { content: liveVersion.content, model: parseModel(liveVersion.model) } }),
          ...(liveVersion === undefined ? {} : { previous: { content: liveVersion.content, model: parseModel(liveVersion.model) } }),
        },
        (p: TrainProgress) => this.setStatus({ state: p.stage === 'evaluate' ? 'evaluating' : 'training', percent: p.percent, stage: p.stage, ...(p.language === undefined ? {} : { language: p.language }), startedAt: started.toISOString() }),
      );
      if (result.baselineModel !== null && liveVersion !== undefined) await editorStore.setVersionModel(liveVersion.number, JSON.stringify(result.baselineModel), result.accuracy?.baseline ?? null);
      const maxDrop = this.options.maxAccuracyDrop ?? 0.02;
      if (result.accuracy !== null && result.accuracy.baseline !== null && result.accuracy.value < result.accuracy.baseline - maxDrop) {
        const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
        throw new QualityGateError([
          `la precisión en el conjunto de evaluación baja de ${pct(result.accuracy.baseline)} a ${pct(result.accuracy.value)} (${result.accuracy.total} frases; margen permitido ${pct(maxDrop)})`,
        ]);
      }
      this.setStatus({ state: 'swapping', percent: 97, stage: 'swap', startedAt: started.toISOString() });
      // Build the new module completely before it becomes visible to any turn.
      const module = await this.options.buildModule(content, result.models);
      await yieldToTurns();
      const version = await editorStore.createVersion({ kind: 'publish', content, model: result.modelsJson, author: actor, message, accuracy: result.accuracy?.value ?? null });
      this.options.live.swap(module, version.number);
      const durationMs = performance.now() - t0;
      this.setStatus({ state: 'done', percent: 100, stage: 'done', version: version.number, startedAt: started.toISOString(), finishedAt: this.clock().toISOString(), durationMs });
      this.options.events.emit('custom', { type: 'editor.published', data: { version: version.number, author: actor } });
      this.options.logger.info({ version: version.number, durationMs: Math.round(durationMs) }, 'editor: content published');
      return version;
    } catch (error) {
      if (error instanceof QualityGateError) {
        await this.options.editorStore.audit(actor, 'version.publish_refused', null, { reasons: error.reasons, message });
        this.setStatus({ state: 'refused', percent: 100, stage: 'gate', reasons: error.reasons, startedAt: started.toISOString(), finishedAt: this.clock().toISOString() });
      } else {
        this.setStatus({ state: 'failed', percent: 100, stage: 'error', reasons: [error instanceof Error ? error.message : String(error)], startedAt: started.toISOString(), finishedAt: this.clock().toISOString() });
      }
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Rolls back to version `number`: creates a NEW version whose content equals that version's
   * (history stays append-only), reuses its stored model when there is one (no retraining) and
   * makes it live. The draft is kept (work in progress is never lost by a rollback) unless
   * `resetDraft` asks to replace it with the restored content.
   */
  async rollback(number: number, actor: string, options: RollbackOptions = {}): Promise<VersionInfo> {
    this.begin();
    const started = this.clock();
    this.setStatus({ state: 'swapping', percent: 10, stage: 'rollback', startedAt: started.toISOString() });
    try {
      const { editorStore } = this.options;
      const target = await editorStore.getVersion(number);
      if (target === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no version ${number}: see GET /api/editor/versions`);
      let model = parseModel(target.model);
      if (model === null) {
        model = (await this.options.trainer.train({ content: target.content, languages: this.languages })).models;
        await editorStore.setVersionModel(number, JSON.stringify(model), target.accuracy);
      }
      const module = await this.options.buildModule(target.content, model);
      const version = await editorStore.createVersion({
        kind: 'rollback',
        content: target.content,
        model: JSON.stringify(model),
        author: actor,
        message: `Vuelta a la versión ${number}`,
        sourceVersion: number,
        accuracy: target.accuracy,
      });
      this.options.live.swap(module, version.number);
      if (options.resetDraft === true) await editorStore.replaceDraft(target.content, actor, 'draft.reset', { toVersion: number });
      this.setStatus({ state: 'done', percent: 100, stage: 'done', version: version.number, startedAt: started.toISOString(), finishedAt: this.clock().toISOString() });
      this.options.events.emit('custom', { type: 'editor.published', data: { version: version.number, author: actor, rollbackTo: number } });
      return version;
    } catch (error) {
      this.setStatus({ state: 'failed', percent: 100, stage: 'error', reasons: [error instanceof Error ? error.message : String(error)] });
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /**
   * The draft's answer next to the published one, each as a citizen on every previewed channel
   * would get it. Trains the draft in the worker for the language the draft's classifier picks
   * for this text (not only the form's language: a Catalan phrase tried from the Spanish tab is
   * read as Catalan, and a draft model without Catalan would miss it).
   */
  async tryText(text: string, language: Language | undefined, channel: ChannelId = 'webchat'): Promise<TryResult> {
    const { live } = this.options;
    const version = live.version;
    const published = await this.tryOnChannels(live.module, text, language, channel);
    const hint = language ?? published.language ?? 'es';
    const draft = await this.tryOnChannels(await this.draftModuleFor(text, hint), text, hint, channel);
    return { draft, published: { ...published, version } };
  }

  private async tryOnChannels(module: IntentsModule, text: string, language: Language | undefined, channel: ChannelId): Promise<TryView> {
    const options = { ...(language === undefined ? {} : { language }), now: this.clock() };
    const main = await tryTurn(module, text, { ...options, channel });
    const channels = {} as Record<PreviewChannel, readonly PreviewMessage[]>;
    for (const previewed of PREVIEW_CHANNELS) {
      // Editors may write a channel's own wording: each channel runs its own turn.
      const outcome = previewed === channel ? main : await tryTurn(module, text, { ...options, channel: previewed });
      channels[previewed] = previewOn(previewed, outcome.replies, outcome.language ?? main.language ?? language ?? 'es');
    }
    return { ...main, channels };
  }

  /** The draft's module with a model for `hint` and for the language its classifier reads `text` in. */
  private async draftModuleFor(text: string, hint: Language): Promise<IntentsModule> {
    const module = await this.draftModule(hint);
    const { language } = await module.classify(text, { languageHint: hint, conversationLanguage: hint });
    return language === hint ? module : this.draftModule(language);
  }

  private async draftModule(language: Language): Promise<IntentsModule> {
    const revision = await this.options.editorStore.draftRevision();
    const cached = this.draftModel;
    if (cached !== undefined && cached.revision === revision && cached.languages.has(language) && cached.module !== undefined) return cached.module;
    const content = await this.options.editorStore.draftContent();
    const trained = await this.options.trainer.train({ content, languages: [language] });
    const models = cached !== undefined && cached.revision === revision ? { ...cached.models, ...trained.models } : { ...trained.models };
    const languages = new Set<Language>(Object.keys(models) as Language[]);
    const module = this.options.buildModule(content, models);
    this.draftModel = { revision, languages, models, module };
    return module;
  }
}
