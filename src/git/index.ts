export { assertNotOption } from "./assert-not-option.js";
export { synthesizeEvent, type SynthesizeEventOptions, type SynthesizedEvent } from "./event-payload.js";
export { createGit, GitError, type CreateGitOptions, type Git, type GitResult, type GitRunOptions } from "./git.js";
export { handleGitHttp, type GitHttpRequest, type GitHttpResponse } from "./http-backend.js";
export { lsRemote, type LsRemoteOptions } from "./ls-remote.js";
export { createMirrors, type CreateMirrorsOptions, type Mirrors } from "./mirror.js";
export { assertMirrorName, isMirrorName } from "./mirror-name.js";
export { createMergeCommit, type MergeCommitResult } from "./merge-commit.js";
export { MirrorNotFoundError } from "./mirror-not-found-error.js";
export { parseGitHttpPath, type GitHttpPath } from "./parse-git-http-path.js";
export { parseRepositoryUrl } from "./parse-repository-url.js";
export { redactUrl } from "./redact-url.js";
export {
  changedFiles,
  commitInfo,
  currentRef,
  defaultBranch,
  firstParent,
  headSha,
  isRepo,
  remoteUrl,
  repositoryName,
  resolveCommit,
  tryResolveCommit,
  type CommitInfo,
  type CommitPerson,
} from "./repo-info.js";
