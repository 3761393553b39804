import type { ProbotOctokit } from "probot";

/** The Octokit a webhook handler gets: authenticated as the app's installation on the repository. */
export type GithubOctokit = ProbotOctokit;

/** Owner and name of a repository, spread into every REST call. */
export interface GithubRepo {
  owner: string;
  repo: string;
}
