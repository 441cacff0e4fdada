import 'reflect-metadata';
import { Client } from 'pg';
import { createLogger } from '../../src/common/logger';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { prepareDatabase } from '../../src/db/prepare-database';
import { TEST_DATABASE_KIND_VAR, TEST_DATABASE_URL_VAR } from './test-env';

/** Unique per run, so concurrent runs on one server (a developer's and CI's) do not drop each other's database. */
export const TEST_DATABASE_NAME = `service_circle_test_${process.pid}`;

declare global {
  var __serviceCircleEmbedded: EmbeddedPostgres | undefined;
}

/**
 * One database per test run, migrated and seeded (Kaiyang + Sanming) once:
 * - DATABASE_URL set: a fresh database `service_circle_test_<pid>` on that PostgreSQL + PostGIS server;
 * - otherwise: PGlite + PostGIS in memory (the ~20 s PostGIS unpack happens once per run).
 * Skipped when only the unit project is selected.
 */
export default async function globalSetup(globalConfig: { selectProjects?: string[] }): Promise<void> {
  const selected = globalConfig.selectProjects;
  if (selected && selected.length > 0 && selected.every((p) => p === 'unit')) return;

  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', name: 'test-setup' });
  const serverUrl = process.env.DATABASE_URL;
  let url: string;
  if (serverUrl) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${TEST_DATABASE_NAME} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${TEST_DATABASE_NAME}`);
    } finally {
      await admin.end();
    }
    const u = new URL(serverUrl);
    u.pathname = `/${TEST_DATABASE_NAME}`;
    url = u.toString();
    process.env[TEST_DATABASE_KIND_VAR] = 'server';
  } else {
    globalThis.__serviceCircleEmbedded = await startEmbeddedPostgres({ dataDir: null, logger });
    url = globalThis.__serviceCircleEmbedded.url;
    process.env[TEST_DATABASE_KIND_VAR] = 'embedded';
  }
  process.env[TEST_DATABASE_URL_VAR] = url;

  const config = loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '1' });
  const db = await openDatabase(config, logger);
  try {
    await prepareDatabase(db, { migrate: true, seed: true, datasets: ['kaiyang', 'sanming'], logger });
  } finally {
    await db.close();
  }
}
