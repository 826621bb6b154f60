import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { NodeService, type RegisterNodeResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import { SessionRefused } from "./artifacts-client";

const DEFAULT_HEARTBEAT_SECONDS = 10;

export interface SessionOptions {
  /** Builds a Connect transport to the server with the given interceptors (connect-web or connect-node). */
  transport: (interceptors: Interceptor[]) => Transport;
  /** Registers the node (challenge, signature) through the session's own client. */
  register: (client: Client<typeof NodeService>) => Promise<RegisterNodeResponse>;
  /** Registered (first, or again): the session already carries the new token. */
  onRegistered?: (response: RegisterNodeResponse) => void;
  /** The server refused the session and the node registers again. */
  onExpired?: () => void;
}

/**
 * A node's session with the server: its token on every call, and registering again when the
 * server refuses it, so a call a session outlived (mid-job, or the result just trained) is sent
 * once more rather than its work lost.
 */
export class NodeSession {
  readonly client: Client<typeof NodeService>;
  private current = "";
  private interval = DEFAULT_HEARTBEAT_SECONDS;
  /** Set while an expired session is renewed. */
  private renewing?: Promise<void>;

  constructor(private readonly options: SessionOptions) {
    const auth: Interceptor = (next) => async (req) => {
      const sent = this.current;
      if (sent) req.header.set("authorization", `Bearer ${sent}`);
      try {
        return await next(req);
      } catch (error) {
        // A stream is not sent again: its owner reconnects, registering again if need be.
        if (req.stream || !sent || !(error instanceof ConnectError) || error.code !== Code.Unauthenticated) throw error;
        await this.renew(sent);
        req.header.set("authorization", `Bearer ${this.current}`);
        return next(req);
      }
    };
    this.client = createClient(NodeService, options.transport([auth]));
  }

  /** The session token ("" before registering or once forgotten). */
  get token(): string {
    return this.current;
  }

  /** How often the server wants heartbeats. */
  get heartbeatSeconds(): number {
    return this.interval;
  }

  async register(): Promise<RegisterNodeResponse> {
    const response = await this.options.register(this.client);
    this.current = response.sessionToken;
    this.interval = response.heartbeatIntervalSeconds || DEFAULT_HEARTBEAT_SECONDS;
    this.options.onRegistered?.(response);
    return response;
  }

  /** Registers again, once for every call that found `expired` refused (single flight). */
  renew(expired: string): Promise<void> {
    if (this.current !== expired) return Promise.resolve();
    this.options.onExpired?.();
    this.renewing ??= this.register()
      .then(() => undefined)
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /** A call outside RPC (an upload) with the session token, sent once more after registering again if it was refused. */
  async withSession<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = this.current;
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof SessionRefused)) throw error;
      await this.renew(token);
      return call(this.current);
    }
  }

  /** Drops the token: the server no longer knows the session, and the next call registers from scratch. */
  forget(): void {
    this.current = "";
  }
}

/** The server no longer knows this node's session (expired, refused, or the node row gone): register again. */
export function isSessionError(error: unknown): boolean {
  return error instanceof ConnectError && [Code.Unauthenticated, Code.PermissionDenied, Code.NotFound].includes(error.code);
}
