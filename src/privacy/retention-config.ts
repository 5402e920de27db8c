/** The classes of personal data the purge deletes and how long each is kept by default. */

/** Data classes with a retention period (`privacy.retentionDays.<class>` in config/default.yaml). */
export const RETENTION_CLASSES = ['transcripts', 'unrecognized', 'handoffEvents', 'auditLog', 'deadLetters'] as const;

/** One data class with a retention period. */
export type RetentionClass = (typeof RETENTION_CLASSES)[number];

/** Days each class is kept (whole days, at least 1). */
export type RetentionDays = Readonly<Record<RetentionClass, number>>;

/** Defaults when the configuration leaves a class out. */
export const RETENTION_DEFAULTS: RetentionDays = {
  transcripts: 365,
  unrecognized: 180,
  handoffEvents: 730,
  auditLog: 730,
  deadLetters: 30,
};
