// The reader moved to adapters/shared, where the GitLab CI/CD jobs use it too.
export { gitRefSourceReader, hasCommit, remoteBranchRef } from "../shared/gitRefSourceReader.js";
