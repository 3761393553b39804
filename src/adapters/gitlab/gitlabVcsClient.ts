import type { CheckReport, VcsClient } from "../../ports/vcsClient.js";
import { syncMarkedComment } from "../../workflows/syncMarkedComment.js";
import type { GitlabApi } from "./gitlabApi.js";
import { gitlabNotes, gitlabNoteThread } from "./gitlabNoteThread.js";
import { gitlabBlobs, gitlabSourceReader } from "./gitlabSourceReader.js";

/**
 * The VCS port over GitLab's REST API for one project: files at a ref through the repository API
 * (one blob cache, one tree listing per ref), the plan as one marked note on the merge request.
 * GitLab has no check-run API: `publishCheck` goes to `onCheck` (the CI/CD component writes it as
 * Code Quality and JUnit reports; the webhook's `/plan` leaves that to the pipeline).
 */
export function gitlabVcsClient(
  api: GitlabApi,
  projectId: number,
  selfId: () => Promise<number>,
  onCheck: (report: CheckReport) => Promise<void> = async () => {},
): VcsClient {
  const blobs = gitlabBlobs(api, projectId);
  const readers = new Map<string, ReturnType<typeof gitlabSourceReader>>();
  return {
    sourceAt(ref) {
      let reader = readers.get(ref);
      if (!reader) {
        reader = gitlabSourceReader(api, projectId, ref, blobs);
        readers.set(ref, reader);
      }
      return reader;
    },
    publishCheck: onCheck,
    upsertMarkedComment: (iid, marker, markdown) =>
      syncMarkedComment(
        gitlabNoteThread(gitlabNotes(api, { projectId, kind: "merge_request", iid }), selfId),
        marker,
        markdown,
      ),
  };
}
