// A small TypeScript lexer for the security tests: finds template literals (with their `${…}` expressions)
// and call sites in source files, skipping comments, strings and regular expressions.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface TemplateLiteral {
  file: string;
  line: number;
  /** The literal's text with each interpolation replaced by ${…}. */
  text: string;
  /** The interpolated expressions, in order, with whether a `$` precedes them (a $n placeholder). */
  expressions: { expr: string; placeholder: boolean }[];
}

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.ts$/.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out.sort();
}

const REGEX_BEFORE = new Set([
  "(",
  ",",
  "=",
  ":",
  "[",
  "!",
  "&",
  "|",
  "?",
  "{",
  "}",
  ";",
  "+",
  "-",
  "*",
  "%",
  "<",
  ">",
  "~",
  "^",
]);

/** Every template literal of a source text (nested ones included). */
export function templateLiterals(source: string, file: string): TemplateLiteral[] {
  const found: TemplateLiteral[] = [];
  let i = 0;
  const lineAt = (pos: number) => source.slice(0, pos).split("\n").length;
  let lastSignificant = "";
  let lastWord = "";

  function skipString(quote: string): void {
    i++;
    while (i < source.length && source[i] !== quote) {
      if (source[i] === "\\") i++;
      i++;
    }
    i++;
  }
  function skipRegex(): void {
    i++;
    let inClass = false;
    while (i < source.length) {
      const c = source[i];
      if (c === "\\") i += 2;
      else if (c === "[" || c === "]") {
        inClass = c === "[";
        i++;
      } else if (c === "/" && !inClass) {
        i++;
        while (/[a-z]/i.test(source[i] ?? "")) i++;
        return;
      } else i++;
    }
  }
  /** Reads code until the closing brace at depth 0 (for ${…}) or the end. Returns the code text. */
  function code(stopAtBrace: boolean): string {
    const start = i;
    let depth = 0;
    while (i < source.length) {
      const c = source[i];
      const next = source[i + 1];
      if (c === "/" && next === "/") {
        while (i < source.length && source[i] !== "\n") i++;
        continue;
      }
      if (c === "/" && next === "*") {
        i = source.indexOf("*/", i + 2) + 2;
        continue;
      }
      if (c === '"' || c === "'") {
        skipString(c);
        lastSignificant = c;
        continue;
      }
      if (c === "`") {
        template();
        lastSignificant = "`";
        continue;
      }
      if (c === "/") {
        if (
          REGEX_BEFORE.has(lastSignificant) ||
          lastSignificant === "" ||
          ["return", "typeof", "case"].includes(lastWord)
        ) {
          skipRegex();
          lastSignificant = "/";
          continue;
        }
      }
      if (c === "{") depth++;
      if (c === "}") {
        if (depth === 0 && stopAtBrace) {
          const text = source.slice(start, i);
          i++;
          return text;
        }
        depth--;
      }
      if (!/\s/.test(c)) {
        lastSignificant = c;
        if (/[A-Za-z_$]/.test(c)) {
          let j = i;
          while (/[\w$]/.test(source[j] ?? "")) j++;
          lastWord = source.slice(i, j);
          lastSignificant = "w";
          i = j;
          continue;
        }
        lastWord = "";
      }
      i++;
    }
    return source.slice(start, i);
  }
  function template(): void {
    const start = i;
    i++; // opening backtick
    let text = "";
    const expressions: TemplateLiteral["expressions"] = [];
    while (i < source.length && source[i] !== "`") {
      if (source[i] === "\\") {
        text += source.slice(i, i + 2);
        i += 2;
      } else if (source[i] === "$" && source[i + 1] === "{") {
        const placeholder = source[i - 1] === "$";
        i += 2;
        const expr = code(true).trim();
        expressions.push({ expr, placeholder });
        text += "$" + "{…}"; // a marker for the interpolation
      } else {
        text += source[i];
        i++;
      }
    }
    i++; // closing backtick
    found.push({ file, line: lineAt(start), text, expressions });
  }
  code(false);
  return found;
}

/** Lines matching a pattern, with file and line number. */
export function grepLines(files: string[], pattern: RegExp): { file: string; line: number; text: string }[] {
  const out: { file: string; line: number; text: string }[] = [];
  for (const file of files) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((text, k) => {
        if (pattern.test(text)) out.push({ file, line: k + 1, text: text.trim() });
      });
  }
  return out;
}
