import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The module structure as a test (docs/architecture.md): no import cycle between the top-level
 * folders of src/, no forwardRef, and the bottom layers import only what lies below them.
 */
const SRC = dirname(fileURLToPath(import.meta.url));
const ROOT = '(root)';
const SPECIFIER = /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The top-level folder of a file of src/, or ROOT for the entry files beside the folders. */
function folderOf(file: string): string {
  const [head, ...rest] = relative(SRC, file).split(sep);
  return rest.length ? head : ROOT;
}

export type FolderGraph = Map<string, Set<string>>;

/** Folder → folders its files import (relative imports into src/ only; packages do not count). */
export function folderGraph(files: string[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!;
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (relative(SRC, target).startsWith('..')) continue;
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle of the graph as a path (`a → b → a`), or null when it has none. */
export function findCycle(graph: FolderGraph): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    const open = path.indexOf(node);
    if (open >= 0) return [...path.slice(open), node];
    if (done.has(node)) return null;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

/** What the bottom layers may import; every other folder may import these and each other, downwards. */
const BOTTOM: Record<string, string[]> = {
  common: [],
  config: ['common'],
  database: ['common', 'config'],
  access: ['common'],
};

describe('module structure', () => {
  const files = sourceFiles(SRC);
  const graph = folderGraph(files);

  it('has no import cycle between the top-level folders of src/', () => {
    const cycle = findCycle(graph);
    expect(cycle && cycle.join(' → '), 'import cycle between folders').toBeNull();
  });

  it.each(Object.entries(BOTTOM))('keeps %s at the bottom: it imports only %j', (folder, allowed) => {
    expect([...(graph.get(folder) ?? [])].filter((to) => !allowed.includes(to))).toEqual([]);
  });

  it('uses no forwardRef anywhere in src/', () => {
    const word = ['forward', 'Ref'].join('');
    const offenders = [...files, ...readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.spec.ts')).map((name) => join(SRC, name))]
      .filter((file) => file !== fileURLToPath(import.meta.url) && readFileSync(file, 'utf8').includes(word))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  it('finds a cycle when there is one (the checker itself)', () => {
    const graph: FolderGraph = new Map([
      ['users', new Set(['companies'])],
      ['companies', new Set(['access'])],
      ['identities', new Set(['users'])],
      ['access', new Set(['identities'])],
    ]);
    expect(findCycle(graph)).toEqual(['users', 'companies', 'access', 'identities', 'users']);
    graph.set('access', new Set());
    expect(findCycle(graph)).toBeNull();
  });
});
