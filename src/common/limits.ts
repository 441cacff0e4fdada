/** Most features one GeoJSON collection may hold; beyond that, vector tiles are the right tool. */
export const MAX_FEATURES = 50_000;
