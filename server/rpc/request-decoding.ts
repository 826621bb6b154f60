import { Code, ConnectError, createContextKey, createContextValues, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { createAsyncIterable, encodeEnvelope, readAllBytes, type UniversalHandler, type UniversalServerRequest, type UniversalServerResponse } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, errorFromJsonBytes, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { contentTypeRegExp as grpcContentType, findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { contentTypeRegExp as grpcWebContentType, trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { jsonProblem } from "./json-problem";

/*
 * A request the server cannot read is the caller's fault, and the answer says so.
 *
 * connect-es answers a body it cannot decode (protobuf that does not parse, a field of the wrong
 * wire type, an envelope flagged compressed with no encoding named) with INTERNAL, which says the
 * server is broken and invites a retry: it is INVALID_ARGUMENT. JSON is read strictly
 * (`strictJson`), and protobuf-es's refusal names only a message type, so a Connect JSON request's
 * refusal is reworded to name the field (json-problem.ts).
 *
 * A unary request is decoded before any interceptor runs, so a unary call that never reached the
 * interceptors has its answer rewritten on the way out, in the protocol's own framing; a
 * streaming request is decoded as the handler reads it, behind the interceptor, which rewrites
 * the error itself.
 */

/** Connect-es ignores JSON fields the message lacks (and reads an unknown enum name as 0) unless told otherwise. */
export const strictJson = { ignoreUnknownFields: false };

const decodedKey = createContextKey(false, { description: "the request message decoded (request-decoding.ts)" });

function asInvalidArgument(error: ConnectError): ConnectError {
  return error.code === Code.Internal ? new ConnectError(error.rawMessage, Code.InvalidArgument) : error;
}

/** Marks a unary request as decoded; makes a streaming request's decoding failures INVALID_ARGUMENT. */
export const requestDecodingInterceptor: Interceptor = (next) => (req) => {
  if (!req.stream) {
    req.contextValues.set(decodedKey, true);
    return next(req);
  }
  const messages = req.message;
  async function* decoded() {
    try {
      yield* messages;
    } catch (error) {
      throw error instanceof ConnectError ? asInvalidArgument(error) : error;
    }
  }
  return next({ ...req, message: decoded() });
};

/** Rewrites the answer of every unary handler on the router whose request did not decode (see above). */
export function answerUndecodableAsInvalidArgument(router: ConnectRouter): void {
  router.handlers.forEach((handler, i) => {
    if (handler.method.methodKind === "unary") router.handlers[i] = rewritingUndecodable(handler);
  });
}

function rewritingUndecodable(handler: UniversalHandler): UniversalHandler {
  const rewriting = async (req: UniversalServerRequest) => {
    const contextValues = req.contextValues ?? createContextValues();
    const contentType = req.header.get("content-type") ?? "";
    const json = /^application\/json\b/i.test(contentType) && !req.header.get("content-encoding") && isByteStream(req.body) ? capture(req.body) : undefined;
    const res = await handler({ ...req, body: json?.body ?? req.body, contextValues });
    if (contextValues.get(decodedKey)) return res;
    if (grpcWebContentType.test(contentType)) return rewriteGrpcWeb(res);
    if (grpcContentType.test(contentType)) return rewriteGrpc(res);
    return rewriteConnect(res, (error) => {
      const problem = error.code === Code.InvalidArgument && json ? jsonProblem(handler.method.input, json.parsed()) : undefined;
      return problem ? new ConnectError(problem, Code.InvalidArgument) : asInvalidArgument(error);
    });
  };
  return Object.assign(rewriting, {
    requestPath: handler.requestPath,
    service: handler.service,
    method: handler.method,
    protocolNames: handler.protocolNames,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}

function isByteStream(body: UniversalServerRequest["body"]): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

// The body as the handler reads it (a unary body is read whole anyway), kept to explain a refusal.
function capture(body: AsyncIterable<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  async function* reading() {
    for await (const chunk of body) {
      chunks.push(chunk);
      yield chunk;
    }
  }
  return {
    body: reading(),
    parsed(): unknown {
      try {
        return JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return undefined;
      }
    },
  };
}

// gRPC: the status is in the trailers, which the adapter writes after the (here empty) body.
function rewriteGrpc(res: UniversalServerResponse): UniversalServerResponse {
  const error = res.trailer && findTrailerError(res.trailer);
  if (res.trailer && error) setTrailerStatus(res.trailer, asInvalidArgument(error));
  return res;
}

// gRPC-web: the status is a trailer frame, the whole body of an answer given before the handler ran.
async function rewriteGrpcWeb(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  if (!res.body) return res;
  const body = await readAllBytes(res.body, Number.MAX_SAFE_INTEGER);
  const error = body[0] === trailerFlag ? findTrailerError(trailerParse(body.subarray(5))) : undefined;
  const rewritten = error ? encodeEnvelope(trailerFlag, trailerSerialize(setTrailerStatus(new Headers(), asInvalidArgument(error)))) : body;
  return { ...res, body: createAsyncIterable([rewritten]) };
}

// Connect unary: the status is the HTTP status and a JSON body (short enough never to be compressed).
async function rewriteConnect(res: UniversalServerResponse, correct: (error: ConnectError) => ConnectError): Promise<UniversalServerResponse> {
  if (!res.body) return res;
  const error = correct(errorFromJsonBytes(await readAllBytes(res.body, Number.MAX_SAFE_INTEGER), undefined, new ConnectError("internal error", Code.Internal)));
  const body = errorToJsonBytes(error, undefined);
  res.header?.set("content-length", String(body.byteLength));
  return { ...res, status: codeToHttpStatus(error.code), body: createAsyncIterable([body]) };
}
