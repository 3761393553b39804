/** CLI entry point; returns the process exit code instead of exiting so tests can call it. */
export async function main(_argv: string[]): Promise<number> {
  return 0;
}
