// Sessions moved to shared/features/sessions.ts (stream keeps them too); this keeps features' imports.
export * from '../../shared/features/sessions';
