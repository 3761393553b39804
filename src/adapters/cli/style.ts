import { styleText } from "node:util";
import type { TextStyle } from "../../core/format/formatDiagnosticsText.js";

/** Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function terminalStyle(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): TextStyle {
  const on = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== "dumb";
  const paint =
    (format: Parameters<typeof styleText>[0]) =>
    (s: string): string =>
      on ? styleText(format, s) : s;
  return { error: paint("red"), warning: paint("yellow"), dim: paint("dim"), bold: paint("bold") };
}
