import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Road networks for the ROAD travel model. One network per area (`npm run roads -- import FILE --area CODE`
 * replaces that area's network in one transaction; the seeds load a synthetic one per seeded area). Ways are split
 * at junctions into edges that keep their geometry; nodes are the edges' ends, with ids unique across networks
 * (pgRouting reads `road_edge` as it is: id, source, target). Writing `road_network` (one row per import, written
 * last) bumps the data version through the change log, so the coverage engine reloads its roads with the version
 * that holds them; `road_node` and `road_edge` have no trigger (an import writes millions of their rows).
 */
export class RoadNetworks1764600000000 implements MigrationInterface {
  name = 'RoadNetworks1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE road_network (
        area_code    text COLLATE "C" PRIMARY KEY REFERENCES area(code) ON DELETE CASCADE,
        name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        source       text NOT NULL,
        synthetic    boolean NOT NULL DEFAULT false,
        node_count   integer NOT NULL CHECK (node_count >= 0),
        edge_count   integer NOT NULL CHECK (edge_count >= 0),
        length_km    double precision NOT NULL CHECK (length_km >= 0),
        bbox         geometry(Polygon, 4326),
        imported_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE road_node (
        id         bigserial PRIMARY KEY,
        area_code  text COLLATE "C" NOT NULL REFERENCES road_network(area_code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        osm_id     bigint,
        geom       geometry(Point, 4326) NOT NULL
      )`);
    await q.query(`CREATE INDEX road_node_area_idx ON road_node (area_code)`);
    await q.query(`
      CREATE TABLE road_edge (
        id             bigserial PRIMARY KEY,
        area_code      text COLLATE "C" NOT NULL REFERENCES road_network(area_code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        source         bigint NOT NULL REFERENCES road_node(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        target         bigint NOT NULL REFERENCES road_node(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        highway        text NOT NULL,
        oneway         smallint NOT NULL DEFAULT 0 CHECK (oneway IN (-1, 0, 1)),
        maxspeed_kmh   real CHECK (maxspeed_kmh IS NULL OR maxspeed_kmh > 0),
        ferry_minutes  double precision CHECK (ferry_minutes IS NULL OR ferry_minutes > 0),
        length_m       double precision NOT NULL CHECK (length_m > 0),
        name           text,
        osm_way_id     bigint,
        geom           geometry(LineString, 4326) NOT NULL
      )`);
    await q.query(`CREATE INDEX road_edge_area_idx ON road_edge (area_code)`);
    // Deleting a network's nodes cascades to edges by source and target: without these, one scan of road_edge per node.
    await q.query(`CREATE INDEX road_edge_source_idx ON road_edge (source)`);
    await q.query(`CREATE INDEX road_edge_target_idx ON road_edge (target)`);
    await q.query(`CREATE INDEX road_edge_geom_idx ON road_edge USING gist (geom)`);
    for (const op of ['insert', 'delete'] as const) {
      const rows = op === 'insert' ? 'REFERENCING NEW TABLE AS new_rows' : 'REFERENCING OLD TABLE AS old_rows';
      await q.query(`CREATE TRIGGER road_network_logs_${op} AFTER ${op.toUpperCase()} ON road_network ${rows}
                     FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('area_code')`);
    }
    await q.query(`CREATE TRIGGER road_network_logs_update AFTER UPDATE ON road_network REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('area_code')`);
    await q.query(`CREATE TRIGGER road_network_logs_truncate AFTER TRUNCATE ON road_network FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('area_code')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE road_edge`);
    await q.query(`DROP TABLE road_node`);
    await q.query(`DROP TABLE road_network`);
  }
}
