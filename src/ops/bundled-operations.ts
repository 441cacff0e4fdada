import fs from 'node:fs';
import path from 'node:path';
import { findProjectRoot, readExampleOperations } from '../common/example-operations';

/** `query MapInit {` / `query MapArea($code: ID!)` inside the pages' JavaScript strings. */
const OPERATION_IN_SCRIPT = /\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)\s*[({]/g;

/**
 * The names of the operations this server ships: schema/examples.graphql (the explorer's tabs) and the queries
 * written into the bundled pages (src/map/static/*.js: the map, the explorer's default tabs). Metrics always label
 * these, whoever sends them. A file that cannot be read adds nothing (the server still starts).
 */
export function bundledOperationNames(root: string = findProjectRoot()): Set<string> {
  const names = new Set<string>();
  const read = (file: string): string | null => {
    try {
      return fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      return null;
    }
  };
  const examples = read(path.join('schema', 'examples.graphql'));
  if (examples !== null) {
    try {
      for (const op of readExampleOperations(examples)) names.add(op.name);
    } catch {
      // An examples file that does not parse: the explorer says so; metrics label the pages' names only.
    }
  }
  for (const script of ['map.js', 'explorer.js']) {
    const text = read(path.join('src', 'map', 'static', script));
    for (const match of text?.matchAll(OPERATION_IN_SCRIPT) ?? []) names.add(match[1]!);
  }
  return names;
}
