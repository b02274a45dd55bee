/**
 * Text from a plan (descriptions, names, messages that quote a manifest) shown on a
 * terminal: it must read as text, never move the cursor, retitle the window, or reorder
 * what is around it.
 */

/**
 * Characters that change how the text around them reads: C1 controls (U+009B is a
 * one-byte CSI on some terminals), DEL, and the bidirectional overrides and isolates
 * (U+202E makes `exe.txt` read as `txt.exe`). Plan text never needs them.
 */
export const DECEPTIVE = /[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Strips escape sequences (CSI colours and cursor moves, OSC titles and hyperlinks, and
 * any other ESC sequence), control characters and bidirectional overrides from text bound
 * for a terminal; tabs and newlines stay.
 */
export function sanitizeTerminal(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing escape sequences is the point
      .replace(/\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing escape sequences is the point
      .replace(/\u001B\[[0-9;?]*[ -/]*[@-~]?/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing escape sequences is the point
      .replace(/\u001B[ -/]*[0-~]?/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000B-\u001F]/g, '')
      .replace(DECEPTIVE, '')
  );
}
