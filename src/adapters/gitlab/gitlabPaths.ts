// Constants the CLI needs to declare its `gitlab` commands, apart from the modules that do the
// work: those load the GitLab client and the server, which `hostroot upgrade-hosts` never needs.

/** Where the ops-owned pool and policy live in a GitLab project; read from the default branch only. */
export const GITLAB_CONFIG_PATH = ".gitlab/hostroot.yml";

/** Where GitLab delivers its webhooks in the `npm start` process (beside `/api/github/webhooks`). */
export const GITLAB_WEBHOOK_PATH = "/api/gitlab/webhooks";
