/**
 * Debian's rule for a package name (Policy 5.6.1): lowercase letters, digits, `+`, `-` and `.`,
 * at least two characters, starting with a letter or digit. Every place that takes a package name
 * from a person — a slash command, the CLI, a host script — checks it with this one pattern, so a
 * name that reaches a host script can never carry shell syntax or an option.
 */
export const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
