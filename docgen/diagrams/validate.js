// docgen's Mermaid validator: one Node process parses a whole build's diagrams.
//
// Usage: node validate.js INSTALL_DIR  (INSTALL_DIR holds node_modules/ from `docgen setup`)
// stdin: one JSON object per line, {"id": ..., "text": "..."}
// stdout: one JSON object per line, {"id", "ok", "type", "error", "message", "line"}
//   error is "syntax" or "unknown"; line is 1-based in the text that was SENT, even though
//   Mermaid itself counts lines after removing front matter, directives and `%%` comments.
// Every other output (Mermaid's logging) goes to stderr so stdout stays machine-readable.
"use strict";

const path = require("node:path");
const readline = require("node:readline");
const { createRequire } = require("node:module");
const { pathToFileURL } = require("node:url");

const installDir = process.argv[2];
const requireFromInstall = createRequire(path.join(installDir, "package.json"));

const log = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
console.log = log;
console.info = log;
console.warn = log;
console.debug = log;

// Mermaid's own preprocessing (src/preprocess.ts, diagram-api/comments.ts), replayed with a
// map from every kept character back to its offset in the original text.
const FRONT_MATTER = /^([^\S\n\r]*)-{3}\s*[\n\r](.*?)[\n\r]\1-{3}\s*[\n\r]+/s;
const DIRECTIVE = /%{2}{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!}%{2}).|\r?\n)*))?\s*(?:}%{2})?/gi;
const COMMENT = /^\s*%%(?!{)[^\n]+\n?/gm;

function removeTracked(text, offsets, regex) {
  let out = "";
  const kept = [];
  let last = 0;
  for (const match of text.matchAll(regex)) {
    out += text.slice(last, match.index);
    kept.push(...offsets.slice(last, match.index));
    last = match.index + match[0].length;
  }
  out += text.slice(last);
  kept.push(...offsets.slice(last));
  return [out, kept];
}

// The original (1-based) line of Mermaid's line `line` of the preprocessed text.
function originalLine(original, line) {
  let text = original;
  let offsets = Array.from(text, (_, i) => i);
  const front = text.match(FRONT_MATTER);
  if (front) {
    text = text.slice(front[0].length);
    offsets = offsets.slice(front[0].length);
  }
  [text, offsets] = removeTracked(text, offsets, DIRECTIVE);
  [text, offsets] = removeTracked(text, offsets, COMMENT);
  const start = text.length - text.trimStart().length;
  text = text.slice(start);
  offsets = offsets.slice(start);
  let index = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf("\n", index);
    if (next < 0) break;
    index = next + 1;
  }
  const at = index < offsets.length ? offsets[index] : original.length;
  const found = original.slice(0, at).split("\n").length;
  // An error "at end of input" sits on the last line that has any content.
  const lines = original.replace(/\s+$/, "").split("\n").length;
  return Math.min(found, lines);
}

function mermaidLine(error) {
  // Jison's lexer line (0-based) is where it stood; a token's loc may start lines earlier.
  const hash = error && error.hash;
  if (hash && Number.isInteger(hash.line)) return hash.line + 1;
  const match = /line (\d+)/i.exec(String(error && error.message));
  return match ? Number(match[1]) : null;
}

function cleanMessage(error) {
  // Jison's message repeats the (preprocessed) line and draws a caret: keep only the reason.
  let lines = String(error && error.message ? error.message : error).split("\n");
  if (/^Parse error on line \d+:$/.test(lines[0])) lines = lines.slice(3);
  return lines
    .join(" ")
    .replace(/^Parsing failed:\s*/, "")
    .replace(/^Parse error on line \d+(, column \d+)?:\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}

async function main() {
  const { JSDOM } = requireFromInstall("jsdom");
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  const entry = path.join(installDir, "node_modules", "mermaid", "dist", "mermaid.esm.min.mjs");
  const { default: mermaid } = await import(pathToFileURL(entry).href);
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", logLevel: 5 });
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of input) {
    if (!raw.trim()) continue;
    const { id, text } = JSON.parse(raw);
    let result;
    try {
      const parsed = await mermaid.parse(text);
      result = { id, ok: true, type: parsed.diagramType };
    } catch (error) {
      const unknown = error && error.name === "UnknownDiagramError";
      const line = unknown ? null : mermaidLine(error);
      result = {
        id,
        ok: false,
        error: unknown ? "unknown" : "syntax",
        message: cleanMessage(error),
        line: line === null ? null : originalLine(text, line),
      };
    }
    process.stdout.write(JSON.stringify(result) + "\n");
  }
}

main().catch((error) => {
  // The stack for whoever debugs; the last line is the reason docgen shows.
  const reason = String(error && error.message ? error.message : error).split("\n")[0];
  process.stderr.write(`${error && error.stack ? error.stack : ""}\n${reason}\n`);
  process.exit(3);
});
