/**
 * Capability tokens: what lets an anonymous person use what they created (a graph they saved)
 * without an account. The server hands one out once and keeps only its SHA-256; whoever holds it
 * sends it in this header, which, like "authorization", is a credential and stays out of the
 * request messages. Several tokens of a kind travel comma-separated (a list of graphs).
 */
export const GRAPH_TOKEN_HEADER = "x-cyxwiz-graph-token";

/** At most this many tokens a request: enough for one person's saved things, and a bounded statement. */
export const MAX_CAPABILITIES = 200;
