/**
 * Request headers of the RPC and REST contract beyond `authorization`.
 *
 * `idempotency-key` (the IETF Idempotency-Key convention): a client-chosen key that makes a call safe
 * to retry when its answer was lost. SubmitJob with a key it has seen from the same caller answers
 * with the job the first call stored; the key with a different request is refused.
 */
export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * Capability tokens: what lets an anonymous person use what they created (a graph they saved, a job they submitted)
 * without an account. The server hands one out once and keeps only its SHA-256; whoever holds it
 * sends it in this header, which, like "authorization", is a credential and stays out of the
 * request messages. Several tokens of a kind travel comma-separated (a list of graphs).
 */
export const GRAPH_TOKEN_HEADER = "x-cyxwiz-graph-token";

/** A job submitted without credentials: its token (SubmitJob answers it) lets its submitter cancel, pause, resume, delete and deploy it. */
export const JOB_TOKEN_HEADER = "x-cyxwiz-job-token";

/** At most this many tokens a request: enough for one person's saved things, and a bounded statement. */
export const MAX_CAPABILITIES = 200;
