import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** What the benchmarks share: a database on the server made when missing, and their block in bench/RESULTS.md. */

/** The URL of database `name` on the server of `serverUrl`, created when missing. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Lines printed as they come and kept for RESULTS.md. */
export class Report {
  readonly lines: string[] = [];

  say(s: string): void {
    console.log(s);
    this.lines.push(s);
  }

  /** Replaces this benchmark's block (between its markers) in bench/RESULTS.md, keeping the others. */
  write(marker: string): string {
    const file = path.resolve(__dirname, '../../bench/RESULTS.md');
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const tag = `<!-- ${marker} -->`;
    const start = previous.indexOf(tag);
    const end = start >= 0 ? previous.indexOf(tag, start + tag.length) : -1;
    const block = `${tag}\n${this.lines.join('\n')}\n${tag}`;
    const next = start >= 0 && end >= 0 ? `${previous.slice(0, start)}${block}${previous.slice(end + tag.length)}` : `${previous.trimEnd()}\n\n${block}\n`;
    fs.writeFileSync(file, next);
    return path.relative(process.cwd(), file);
  }
}
