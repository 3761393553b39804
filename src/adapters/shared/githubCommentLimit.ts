/**
 * GitHub's limit on an issue or PR comment body, as its API states it: "Body is too long (maximum
 * is 65536 characters)". What GitHub counts is not documented, and public measurements disagree
 * (Unicode code points for some bodies, 262,144 UTF-8 bytes for comments). Counting UTF-16 code
 * units (`String.length`) against 65,536 is safe under every reading: a string has no more code
 * points than code units, and at most 3 UTF-8 bytes per code unit (196,608 < 262,144).
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
