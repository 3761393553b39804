import type { CodeHost } from "../../ports/codeHost.js";
import type { CheckReport, VcsClient } from "../../ports/vcsClient.js";

/**
 * The pull request workflow's VCS port over a GitLab code host: files and the marked plan note
 * come from the host. GitLab has no check-run API: `publishCheck` goes to `onCheck` (the CI/CD
 * component writes it as Code Quality and JUnit reports; the webhook's `/plan` leaves the check
 * to the pipeline).
 */
export function gitlabVcsClient(
  host: Pick<CodeHost, "sourceAt" | "upsertMarkedComment">,
  onCheck: (report: CheckReport) => Promise<void> = async () => {},
): VcsClient {
  return {
    sourceAt: (ref) => host.sourceAt(ref),
    publishCheck: onCheck,
    upsertMarkedComment: (iid, marker, markdown) => host.upsertMarkedComment(iid, marker, markdown),
  };
}
