import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  CreateDatasetResponseSchema,
  DatasetInfoSchema,
  type DatasetService,
  DeleteDatasetResponseSchema,
  GetDatasetResponseSchema,
  ListDatasetsResponseSchema,
} from "../../gen/cyxwiz/v1/dataset_service_pb";
import { SHA256_HEX } from "../../lib/data/hash";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import type { ServerContext } from "../context";
import { registerDatasetFile } from "../datasets/registration";
import { deletionRefusal, type DeletionRefusal } from "../datasets/deletion";
import { credentialsOf, signedInCallerOf, submitterOf } from "../auth/credentials";
import { failedPrecondition, invalidArgument, notFound } from "./errors";

const MAX_DATASET_BYTES = 256 * 1024 ** 2;

const DELETION_CODE: Record<DeletionRefusal["problem"], Code> = {
  not_found: Code.NotFound,
  builtin: Code.FailedPrecondition,
  no_owner: Code.PermissionDenied,
  not_owner: Code.PermissionDenied,
  in_use: Code.FailedPrecondition,
};

export function datasetService(ctx: Pick<ServerContext, "artifacts" | "config" | "datasets" | "users" | "tokens">): ServiceImpl<typeof DatasetService> {
  return {
    async createDataset(req, hctx) {
      const submitter = await submitterOf(credentialsOf(hctx), ctx.config.requireAuth, "datasets");
      const sha256 = req.sha256.toLowerCase();
      if (!SHA256_HEX.test(sha256)) throw invalidArgument("sha256", "must be the hex SHA-256 of an uploaded artifact");
      const size = await ctx.artifacts.size(sha256);
      if (size === undefined) throw failedPrecondition(`sha256: no artifact ${sha256}; upload the file first (POST /api/v1/artifacts)`);
      if (size > MAX_DATASET_BYTES) throw invalidArgument("sha256", `a dataset file may be at most ${MAX_DATASET_BYTES} bytes`);
      const request = { name: req.name, description: req.description || undefined, ownerId: submitter?.user.id ?? null };
      const result = await registerDatasetFile(ctx.datasets, request, ctx.artifacts.pathOf(sha256));
      if (!result.ok) {
        if (result.problem === "already_exists") throw new ConnectError(result.message, Code.AlreadyExists);
        throw invalidArgument(result.field === "file" ? "sha256" : result.field, result.message);
      }
      return create(CreateDatasetResponseSchema, { dataset: info(result.record) });
    },

    async deleteDataset(req, hctx) {
      const { id } = (await signedInCallerOf(hctx)).user;
      const refusal = deletionRefusal(req.name, id, await ctx.datasets.delete(req.name, id));
      if (refusal) throw new ConnectError(refusal.message, DELETION_CODE[refusal.problem]);
      return create(DeleteDatasetResponseSchema, {});
    },

    async listDatasets() {
      return create(ListDatasetsResponseSchema, { datasets: (await ctx.datasets.list()).map(info) });
    },

    async getDataset(req) {
      const record = await ctx.datasets.resolve(req.uri);
      if (!record) throw notFound(`uri: no dataset ${req.uri}`);
      return create(GetDatasetResponseSchema, { dataset: info(record) });
    },
  };
}

function info(record: DatasetRecord) {
  return create(DatasetInfoSchema, {
    datasetId: record.id,
    name: record.name,
    description: record.description,
    sha256: record.sha256,
    sizeBytes: BigInt(record.sizeBytes),
    task: record.spec.task,
    count: BigInt(record.spec.count),
    specJson: JSON.stringify(record.spec),
    builtin: record.builtin,
  });
}
