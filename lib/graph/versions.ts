/** One step that upgrades a stored document from its version to the next (the version field is set by upgrade). */
export type Migration = (value: Record<string, unknown>) => Record<string, unknown>;

/**
 * Brings a stored document up to the current version, where migrations[i] upgrades version i + 1
 * to i + 2 (so the current version is migrations.length + 1). Files from newer versions are the
 * caller's to refuse: they need a newer Engine.
 */
export function upgrade(value: Record<string, unknown>, migrations: readonly Migration[]): Record<string, unknown> {
  let current = value;
  for (let version = Number(current.version); version <= migrations.length; version++) {
    current = { ...(migrations[version - 1] as Migration)(current), version: version + 1 };
  }
  return current;
}
