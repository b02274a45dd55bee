/**
 * Escaping for every output format. Stage names, descriptions, lint messages and file
 * paths come from the user's plan and must be shown as text, never interpreted.
 */

import { DECEPTIVE } from '../../util/terminal-text.ts';

/** Characters XML 1.0 forbids outright (C0 controls but tab, newline, carriage return). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text and attribute values in HTML and XML. */
export function escapeHtml(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replace(DECEPTIVE, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const escapeXml = escapeHtml;

/**
 * Text inside a Markdown table cell or paragraph. GitHub renders inline HTML in Markdown,
 * so HTML is escaped too; pipes would split a table cell; newlines would end a row;
 * brackets (links), backticks, asterisks and tildes are backslash-escaped. Underscores
 * stay: GitHub never emphasises inside a word, and Envoy stat names are full of them.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replace(DECEPTIVE, '\uFFFD')
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*[\]|~])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export { sanitizeTerminal } from '../../util/terminal-text.ts';
