export { assertNotOption } from "./assert-not-option.js";
export { synthesizeEvent, type SynthesizeEventOptions, type SynthesizedEvent } from "./event-payload.js";
export { createGit, GitError, type CreateGitOptions, type Git, type GitResult, type GitRunOptions } from "./git.js";
export { parseRepositoryUrl } from "./parse-repository-url.js";
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
