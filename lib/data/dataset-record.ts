import type { DatasetSpec } from "./dataset-format";

/** A registered dataset as the server's catalog describes it (GET /api/v1/datasets): its bytes are the artifact sha256. */
export interface DatasetRecord {
  id: string;
  name: string;
  description: string;
  sha256: string;
  sizeBytes: number;
  spec: DatasetSpec;
  builtin: boolean;
}
