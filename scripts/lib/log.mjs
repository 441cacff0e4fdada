// Logging and failure for the seed scripts (scripts/build-seeds.mjs, scripts/build-national.mjs).
// The prefix is the running script's name (setLogName); times are from when this module was loaded.
const t0 = Date.now();
let NAME = 'script';

export function setLogName(name) {
  NAME = name;
}
export function log(msg) {
  console.log(`[${NAME} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
export function fail(msg) {
  console.error(`[${NAME}] FAILED: ${msg}`);
  process.exit(1);
}
export function assert(cond, msg) {
  if (!cond) fail(msg);
}
