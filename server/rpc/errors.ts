import { Code, ConnectError } from "@connectrpc/connect";
import { UUID } from "../jobs/job-row";

export const invalidArgument = (field: string, message: string) => new ConnectError(message.startsWith(field) ? message : `${field}: ${message}`, Code.InvalidArgument);

export const notFound = (message: string) => new ConnectError(message, Code.NotFound);
export const permissionDenied = (message: string) => new ConnectError(message, Code.PermissionDenied);
export const failedPrecondition = (message: string) => new ConnectError(message, Code.FailedPrecondition);
export const unauthenticated = (message: string) => new ConnectError(message, Code.Unauthenticated);

/** A UUID-shaped id from a request, or INVALID_ARGUMENT naming the field. */
export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw invalidArgument(field, `"${value}" is not a valid id`);
  return value.toLowerCase();
}
