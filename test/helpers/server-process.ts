import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { testDatabaseKind, testDatabaseUrl } from './test-env';

/** Real server processes for the e2e tests: spawned, their JSON log lines read, waited for. */

export const ROOT = path.resolve(__dirname, '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Started {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<Exit>;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => stdout.push(l));
  readline.createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout, stderr, exited };
}

/** A child environment built from scratch: only what the server needs, never the test process's DATABASE_URL. */
export function serverEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_POOL_SIZE: testDatabaseKind() === 'embedded' ? '1' : '2',
    MIGRATE_ON_START: 'false',
    SEED_ON_START: 'false',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

export interface LogLine {
  level?: number;
  msg?: string;
  url?: string;
  [k: string]: unknown;
}

export function parseLogLines(lines: string[]): LogLine[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as LogLine];
    } catch {
      return [];
    }
  });
}

export async function waitFor<T>(what: string, probe: () => T | undefined, exited: Promise<Exit>, timeoutMs: number, describeState: () => string): Promise<T> {
  let done = false;
  const early = exited.then((e) => {
    if (!done) throw new Error(`the server exited (${JSON.stringify(e)}) before ${what}\n${describeState()}`);
    return undefined as never;
  });
  const deadline = Date.now() + timeoutMs;
  const poll = (async () => {
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeState()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    return await Promise.race([poll, early]);
  } finally {
    done = true;
  }
}

