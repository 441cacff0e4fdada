// Deterministic randomness: no clock, no Math.random; every stream is a seeded PRNG keyed on a string.
export function hashString(str) {
  // xmur3-style 32-bit string hash
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^= h >>> 16) >>> 0;
}
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function rngFor(key) {
  return mulberry32(hashString(`service-circle-seeds/v1/${key}`));
}
export function gaussian(rng) {
  // Box-Muller; rng() may return 0, guard log(0)
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
export const round6 = (x) => Math.round(x * 1e6) / 1e6;
export const roundPos = ([x, y]) => [round6(x), round6(y)];
