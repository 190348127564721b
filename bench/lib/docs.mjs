// Writes generated text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in a doc.
import { readFileSync, writeFileSync } from 'node:fs';

export function replaceSection(file, name, content) {
  const text = readFileSync(file, 'utf8');
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${file} has no ${open} ... ${close} section`);
  writeFileSync(file, text.slice(0, start + open.length) + '\n' + content.trimEnd() + '\n' + text.slice(end));
}
