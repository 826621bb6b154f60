/**
 * Request headers of the RPC and REST contract beyond `authorization`.
 *
 * `idempotency-key` (the IETF Idempotency-Key convention): a client-chosen key that makes a call safe
 * to retry when its answer was lost. SubmitJob with a key it has seen from the same caller answers
 * with the job the first call stored; the key with a different request is refused.
 */
export const IDEMPOTENCY_HEADER = "idempotency-key";
