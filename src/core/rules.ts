/**
 * Every rule id a diagnostic can carry, with a one-line summary. Ids are stable: CI configs,
 * GitLab fingerprints and docs refer to them. docs/definitions.md documents each one; a test
 * checks that every id here is documented there.
 */
export const RULES = {
  // Reading the file
  "yaml/syntax": "The file is not valid YAML.",
  "yaml/empty": "The file is empty or holds only comments.",
  "yaml/multi-document": "A file holds exactly one YAML document.",
  "yaml/duplicate-key": "A mapping repeats a key; YAML would silently keep only one.",
  "yaml/alias-limit": "Aliases expand past the limit (a 'billion laughs' bomb).",
  "yaml/tag": "Only plain YAML is accepted: no custom or language-specific tags.",
  "yaml/encoding": "The file is not valid UTF-8.",
  "yaml/too-large": "The file is over the size limit.",
  // Shape of a definition or config
  "schema/unknown-key": "A key the format does not have (with a 'did you mean').",
  "schema/required": "A required key is missing.",
  "schema/type": "A value has the wrong type.",
  "schema/value": "A value is out of range or does not match its format.",
  "schema/api-version": "apiVersion is missing or not one this hostroot reads.",
  // One definition
  "path/not-normalised": "Paths are absolute and normalised: no '..', '.', '//' or trailing '/'.",
  "hide/system-path": "Hiding a shared system path would shadow host libraries and miss their fixes.",
  "mount/system-path": "Mounting over or under a shared system path would shadow host files.",
  "mount/source-not-allowed": "A mount source outside the policy's allowed prefixes.",
  "mount/duplicate-target": "Two mounts share one target.",
  "mount/source-masked": "A mount source at, under or above a path masked in every container.",
  "mount/source-lxc-path": "A mount source at, under or above a host's lxcPath (other containers' deltas).",
  "mount/source-deploy-key": "A mount source at or above hostroot's SSH key on the hosts.",
  "network/bridge-not-allowed": "network.bridge is not in policy.network.allowedBridges.",
  "packages/apt-refused": "apt/dpkg packages into a delta would shadow host packages and miss their fixes.",
  "setup/apt-refused": "A setup step runs apt or dpkg inside the container, which shadows host packages.",
  "name/file-mismatch": "The file name does not match the definition's name.",
  // What a deploy must be able to build from one definition (validateDeployable.ts)
  "name/reserved": "A name the host layout keeps for itself ('host').",
  "path/control-character":
    "A path holds a control character, which LXC config lines and host commands cannot carry.",
  "network/hwaddr-unusable": "A multicast or all-zero MAC address, which no network device can carry.",
  "service/env-value": "A service env value holds a NUL byte, which no environment variable can hold.",
  "command/option-like":
    "A setup, service or health command starts with '-', which would be read as an option.",
  "packages/option-like": "A package spec starts with '-', which its installer would read as an option.",
  "packages/pip-spec": "A pip spec is not a PEP 508 requirement for a package on the index.",
  "packages/npm-spec": "An npm spec is not a registry package with an optional version, range or tag.",
  "packages/gem-spec": "A gem spec is not a gem name with an optional ':version'.",
  // Across files and against the pool
  "name/duplicate": "Two definitions share one name.",
  "platform/unknown": "The platform is not in the pool.",
  "placement/unknown-host": "placement.hosts names a host that is not in the platform.",
  "placement/no-hosts": "No host of the platform matches the placement.",
  "placement/replicas": "More replicas than distinct eligible hosts.",
  "placement/capacity": "The platform's hosts have no room for all containers.",
  "network/duplicate-hwaddr": "Two containers share one MAC address.",
  // Finding the files
  "source/missing": "A path to validate, or the policy's definitionsPath, does not exist.",
  "source/symlink":
    "A definition, a path to validate or the definitionsPath is a symlink, which is never followed.",
  "source/empty": "No definition files were found, so nothing was validated.",
  // The config
  "config/missing": "The config file does not exist.",
  "config/duplicate-host": "Two hosts share one name.",
  "config/duplicate-address": "Two hosts share one address and port.",
  "config/definitions-path": "definitionsPath must be a relative path inside the repository.",
  // What a deploy must be able to build from the config (validateConfigDeployable.ts)
  "config/lxc-path-unusable":
    "An lxcPath with ':', blanks, a backslash or control characters, which LXC cannot carry.",
  "config/path-not-normalised": "A config path with a '.' or '..' component.",
  "config/apparmor-profile": "An apparmorProfile with control characters or blanks at an end.",
  "config/too-many-files": "More definition files than the App reads for one event.",
  // The App: the repository's config against the server config's pool
  "config/pool-from-server": "The repository lists hosts, but the App's server config gives it a pool.",
  "config/pool-not-bound": "pool.name names a pool the server config does not bind to this repository.",
  "config/pool-unknown-host": "pool.hosts names a host that is not in the pool.",
  "policy/loosens": "The repository's policy is looser than its pool's: it may only narrow it.",
  "policy/server-only": "A policy key only the App's server config sets.",
  // The App's server config
  "server/repository-glob": "A repository pattern is not 'owner/name' with * and ? wildcards.",
  "server/ssh-key": "A pool's sshKey needs exactly one of file and env.",
  "config/lxc-path-system":
    "A host's lxcPath is /, a system tree, a directory above one, or a home or temp dir.",
} as const;

/** A rule id. */
export type RuleId = keyof typeof RULES;
