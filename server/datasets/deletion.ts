import type { DeletionFacts } from "./catalog";

export type DeletionRefusal = { problem: "not_found" | "builtin" | "no_owner" | "not_owner" | "in_use"; message: string };

/** Why DatasetCatalog.delete removed nothing, from what its statement found; undefined when it removed the dataset. */
export function deletionRefusal(name: string, callerId: string, facts: DeletionFacts): DeletionRefusal | undefined {
  if (facts.deleted) return undefined;
  if (!facts.found) return { problem: "not_found", message: `name: no dataset named "${name}"` };
  if (facts.builtin) return { problem: "builtin", message: `name: "${name}" is built in and cannot be deleted` };
  if (facts.ownerId === null) return { problem: "no_owner", message: `name: "${name}" was uploaded anonymously and has no owner, so it cannot be deleted through the API` };
  if (facts.ownerId !== callerId) return { problem: "not_owner", message: `name: "${name}" belongs to another user; only its owner may delete it` };
  const jobs = facts.unfinishedJobs === 1 ? "1 unfinished job uses it" : `${facts.unfinishedJobs} unfinished jobs use it`;
  return { problem: "in_use", message: `name: "${name}" cannot be deleted while ${jobs} (queued, assigned or running); cancel them or let them finish first` };
}
