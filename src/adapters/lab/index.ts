/**
 * The hostroot lab: a real pool of test hosts on one Linux machine (network-namespace hosts
 * running OpenSSH and LXC over their own debootstrap root), for demos and end-to-end tests.
 */
export { baseRootId, DEFAULT_CACHE_DIR, ensureBaseRoot } from "./baseRoot.js";
export { type LabDownOptions, labDown } from "./labDown.js";
export { LabError } from "./labError.js";
export type { LabHostInfo, LabInfo } from "./labInfo.js";
export { BRIDGE, DEFAULT_STATE_DIR, LAB_PREFIX, REPO_MOUNT, REPO_SOURCE_LINE } from "./labNames.js";
export { BASE_ROOT_PACKAGES, LAB_PACKAGES, labInstallCommands } from "./labPackages.js";
export { type LabSshIdentity, labSshArgv } from "./labSsh.js";
export { type HostStatus, type LabStatus, type LabStatusOptions, labStatus } from "./labStatus.js";
export { type LabUpOptions, labUp } from "./labUp.js";
export { labUnavailableReason } from "./preflight.js";
export {
  DEMO_PACKAGE,
  DEMO_PLUS_PACKAGE,
  LAB_ORIGIN,
  type PublishOptions,
  type PublishResult,
  publishDemoPackage,
} from "./publishDemoPackage.js";
export { tearDownLabQuietly } from "./tearDownLabQuietly.js";
