import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/* The operations this server ships (schema/examples.graphql), for the explorer's tabs and the metrics' labels. */

/** The folder holding package.json, walking up from here: src/common from the sources, dist/src/common once compiled. */
export function findProjectRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export interface ExampleOperation {
  readonly name: string;
  /** The comment lines above the operation, without '#'. */
  readonly description: string;
  /** The comment and the operation as written in the file. */
  readonly query: string;
}

/** The named operations of schema/examples.graphql with their comments, in file order. */
export function readExampleOperations(source: string): ExampleOperation[] {
  const result: ExampleOperation[] = [];
  let previousEnd = 0;
  for (const definition of parse(source).definitions) {
    const loc = definition.loc!;
    const name = definition.kind === Kind.OPERATION_DEFINITION ? (definition as OperationDefinitionNode).name?.value : undefined;
    if (name) {
      // The comment block directly above the operation (the file's header is separated from it by a blank line).
      const before = source.slice(previousEnd, loc.start).split('\n');
      const comment: string[] = [];
      for (let i = before.length - 1; i >= 0; i--) {
        const line = before[i].trim();
        if (line.startsWith('#')) comment.unshift(line);
        else if (line !== '' || comment.length > 0) break;
      }
      result.push({
        name,
        description: comment.map((l) => l.replace(/^#\s?/, '')).join(' '),
        query: `${comment.join('\n')}${comment.length ? '\n' : ''}${source.slice(loc.start, loc.end)}\n`,
      });
    }
    previousEnd = loc.end;
  }
  return result;
}
