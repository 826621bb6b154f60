/** Where the server's HTTP API takes and serves artifacts; nodes are sent these paths. */
export const ARTIFACT_UPLOAD_PATH = "/api/v1/artifacts";
export const artifactPath = (sha256: string) => `/artifacts/${sha256}`;
