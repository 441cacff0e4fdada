import type { ChildProcess } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../common/logger';

/** The environment variable that tells a forked worker its number (config: SERVICE_CIRCLE_WORKER). */
export const WORKER_NUMBER_VAR = 'SERVICE_CIRCLE_WORKER';

/** IPC messages of GET /metrics?workers=all: a worker asks the primary, which gathers every worker's metrics. */
const METRICS_REQUEST = 'service-circle:metrics-request';
const METRICS_ANSWER = 'service-circle:metrics-answer';
const METRICS_TIMEOUT_MS = 10_000;

export interface SuperviseOptions {
  readonly workers: number;
  /** HOST, for the URL the primary announces. */
  readonly host: string;
  readonly logger: Logger;
  /** After SIGTERM, how long the workers may take to drain and exit before they are killed (exit code 1 then). */
  readonly stopTimeoutMs: number;
  /** Pause before the first replacement of a worker; it doubles with each exit in a row, up to `maxRestartMs`. */
  readonly firstRestartMs?: number;
  readonly maxRestartMs?: number;
  /** A worker that ran this long before it exited starts its number's pauses over. */
  readonly stableMs?: number;
}

interface Slot {
  readonly number: number;
  worker: Worker | null;
  /** Closes the connections handed to this worker that it never took (see trackHandoffs). */
  dropHandoffs: () => void;
  startedAt: number;
  listening: boolean;
  /** Exits in a row (reset once a worker has run `stableMs`). */
  exits: number;
  timer: NodeJS.Timeout | null;
}

/**
 * The primary of a cluster (WORKERS > 1), on Node's cluster module. It forks `workers` processes, each the whole
 * server (its own pool, change-feed listener, coverage engine and caches); they share the listening socket, which
 * the primary holds and hands each new connection to the next worker (round-robin, the default scheduling on Linux).
 * The primary does no request work.
 *
 * - Start: "Service Circle ready at …" once every worker listens. A worker that exits before that fails the start:
 *   the others are stopped and the result is 1 (a bad database fails every worker alike; no restart loop).
 * - Afterwards a worker that exits (a crash, a kill, or its own SIGTERM: a rolling restart) is replaced under the
 *   same number after a pause (250 ms, doubling with each exit in a row, at most 30 s; a worker that ran a minute
 *   starts over), each logged with its pid, code and signal.
 * - GET /metrics?workers=all on any worker: the primary gathers every worker's series (prom-client's
 *   AggregatorRegistry; each keeps its pid label), since a scrape of the shared port reaches only one worker.
 * - SIGTERM or SIGINT: no more replacements; every worker gets SIGTERM and drains as a single process does (stops
 *   accepting, finishes in-flight requests, closes the database) and exits. The result is 0 when all exited cleanly,
 *   1 when one failed or had to be killed after `stopTimeoutMs`.
 *
 * Resolves with the primary's exit code.
 */
export function superviseWorkers(options: SuperviseOptions): Promise<number> {
  const { logger } = options;
  const firstRestartMs = options.firstRestartMs ?? 250;
  const maxRestartMs = options.maxRestartMs ?? 30_000;
  const stableMs = options.stableMs ?? 60_000;
  const startedAt = Date.now();
  const slots: Slot[] = Array.from({ length: options.workers }, (_, i) => ({ number: i + 1, worker: null, dropHandoffs: () => undefined, startedAt: 0, listening: false, exits: 0, timer: null }));
  const slotOf = (worker: Worker) => slots.find((s) => s.worker === worker);
  let ready = false;
  let stopping = false;
  let exitCode = 0;
  let killTimer: NodeJS.Timeout | undefined;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const fork = (slot: Slot) => {
    slot.timer = null;
    slot.listening = false;
    slot.startedAt = Date.now();
    slot.worker = cluster.fork({ [WORKER_NUMBER_VAR]: String(slot.number) });
    slot.dropHandoffs = trackHandoffs(slot.worker.process);
  };

  const finishIfAllGone = () => {
    if (stopping && slots.every((s) => s.worker === null)) {
      clearTimeout(killTimer);
      resolveDone(exitCode);
    }
  };

  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const pids = slots.flatMap((s) => (s.worker?.process.pid ? [s.worker.process.pid] : []));
    logger.info({ reason, workers: pids }, `shutting down: ${pids.length} worker(s) finishing their in-flight requests`);
    for (const slot of slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      slot.worker?.process.kill('SIGTERM');
    }
    killTimer = setTimeout(() => {
      for (const slot of slots) {
        if (!slot.worker) continue;
        logger.error({ worker: slot.number, workerPid: slot.worker.process.pid, ms: options.stopTimeoutMs }, `worker ${slot.number} did not stop within ${options.stopTimeoutMs} ms; killing it`);
        slot.worker.process.kill('SIGKILL');
      }
      exitCode = 1;
    }, options.stopTimeoutMs);
    finishIfAllGone();
  };

  cluster.on('listening', (worker, address) => {
    const slot = slotOf(worker);
    if (!slot || stopping) return;
    slot.listening = true;
    const pid = worker.process.pid;
    if (ready) {
      logger.info({ worker: slot.number, workerPid: pid }, `worker ${slot.number} (pid ${pid}) is serving again`);
      return;
    }
    if (slots.every((s) => s.listening)) {
      ready = true;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      const url = `http://${host}:${address.port}`;
      logger.info(
        { url: `${url}/graphql`, workers: slots.map((s) => ({ worker: s.number, pid: s.worker?.process.pid })), ms: Date.now() - startedAt },
        `Service Circle ready at ${url}/graphql`,
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const slot = slotOf(worker);
    if (!slot) return;
    slot.worker = null;
    slot.dropHandoffs();
    const pid = worker.process.pid;
    if (stopping) {
      // One still starting has no handler yet and dies of the signal itself (SIGINT: Ctrl-C reaches every process).
      const clean = code === 0 || (!slot.listening && (signal === 'SIGTERM' || signal === 'SIGINT'));
      if (!clean) exitCode = 1;
      logger[clean ? 'info' : 'error']({ worker: slot.number, workerPid: pid, code, signal }, `worker ${slot.number} (pid ${pid}) stopped`);
      finishIfAllGone();
      return;
    }
    if (!ready) {
      logger.error({ worker: slot.number, workerPid: pid, code, signal }, `worker ${slot.number} (pid ${pid}) exited during start (code ${code}, signal ${signal}); stopping`);
      stop('a worker failed to start', 1);
      return;
    }
    if (Date.now() - slot.startedAt >= stableMs) slot.exits = 0;
    slot.exits++;
    const restartInMs = Math.min(maxRestartMs, firstRestartMs * 2 ** (slot.exits - 1));
    const expected = code === 0 && signal === null;
    logger[expected ? 'warn' : 'error'](
      { worker: slot.number, workerPid: pid, code, signal, restartInMs, exitsInARow: slot.exits },
      `worker ${slot.number} (pid ${pid}) ${expected ? 'stopped' : 'exited unexpectedly'} (code ${code}, signal ${signal}); starting a new one in ${restartInMs} ms`,
    );
    slot.timer = setTimeout(() => fork(slot), restartInMs);
  });

  const metrics = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: unknown; id?: unknown } | null) => {
    if (message?.type !== METRICS_REQUEST) return;
    const answer = (body: { text: string } | { error: string }) => {
      if (worker.isConnected()) worker.send({ type: METRICS_ANSWER, id: message.id, ...body });
    };
    metrics.clusterMetrics().then(
      (text) => answer({ text }),
      (err: Error) => answer({ error: err.message }),
    );
  });

  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));

  logger.info({ workers: options.workers }, `starting ${options.workers} worker processes`);
  for (const slot of slots) fork(slot);
  return done;
}

/** What the cluster module sends a worker with each new connection, and what the worker answers. */
interface ClusterMessage {
  readonly cmd?: unknown;
  readonly act?: unknown;
  readonly seq?: unknown;
  readonly ack?: unknown;
}

/**
 * Node's cluster primary hands each new connection to a worker over IPC and closes its own copy only when the worker
 * acknowledges it (lib/internal/cluster/round_robin_handle.js). A worker that dies in between never does, and the
 * connection stays open in the primary, unanswered, until the client gives up (seen: 40 s and more after a SIGKILL).
 * This keeps the connections handed to `child` and not yet acknowledged; the function it returns closes them, once
 * the worker is gone, so that their clients see the connection end at once (and can retry) instead of a hang.
 */
function trackHandoffs(child: ChildProcess): () => void {
  const unacknowledged = new Map<unknown, { close(): void }>();
  const send = child.send.bind(child) as (...args: unknown[]) => boolean;
  child.send = ((message: ClusterMessage, handle?: unknown, ...rest: unknown[]) => {
    if (message?.cmd === 'NODE_CLUSTER' && message.act === 'newconn' && message.seq !== undefined && handle && typeof (handle as { close?: unknown }).close === 'function') {
      unacknowledged.set(message.seq, handle as { close(): void });
    }
    return send(message, handle, ...rest);
  }) as typeof child.send;
  child.on('internalMessage', (message: ClusterMessage) => {
    if (message?.cmd === 'NODE_CLUSTER' && message.ack !== undefined) unacknowledged.delete(message.ack);
  });
  return () => {
    for (const handle of unacknowledged.values()) handle.close();
    unacknowledged.clear();
  };
}

/**
 * In a cluster worker, from its first moment: answers the primary's requests for this worker's metrics (prom-client's
 * cluster support; an AggregatorRegistry constructed in a worker listens for them). Until the app has set its
 * registry the answer is empty, so that GET /metrics?workers=all does not wait for a worker still starting.
 */
export function answerMetricsRequests(): void {
  new AggregatorRegistry();
}

/**
 * In a cluster worker: answers the primary's requests for this worker's metrics (`registry`), and returns what
 * GET /metrics?workers=all serves: every worker's metrics, gathered by the primary.
 */
export function everyWorkersMetrics(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  answerMetricsRequests();
  const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on('message', (message: { type?: unknown; id?: unknown; text?: unknown; error?: unknown } | null) => {
    if (message?.type !== METRICS_ANSWER || typeof message.id !== 'number') return;
    const request = waiting.get(message.id);
    if (!request) return;
    waiting.delete(message.id);
    clearTimeout(request.timer);
    if (typeof message.text === 'string') request.resolve(message.text);
    else request.reject(new Error(`the primary could not gather the workers' metrics: ${String(message.error)}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      if (!process.send || !process.connected) {
        reject(new Error('no cluster primary to gather the metrics'));
        return;
      }
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the primary did not gather the workers' metrics within ${METRICS_TIMEOUT_MS} ms`));
      }, METRICS_TIMEOUT_MS);
      waiting.set(id, { resolve, reject, timer });
      process.send({ type: METRICS_REQUEST, id });
    });
}
