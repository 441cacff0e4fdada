import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Areas (province → township), villages, the service-item catalogue and service points.
 * Enumerations are text + CHECK (easier to extend than PostgreSQL enum types). Codes are the official
 * hierarchical codes, so "everything inside area X" is the range [X, X || ':') on a
 * byte-ordered (COLLATE "C") column, which plain btree indexes serve; C collation also makes keyset paging
 * order identical on PGlite and on any server locale.
 */
export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);

    // Casting to geography silently wraps out-of-range coordinates (latitude 91 becomes 89), so a CHECK on the
    // stored value cannot catch them: every write builds its point through this function, which refuses them.
    await q.query(`
      CREATE FUNCTION sc_point(longitude float8, latitude float8) RETURNS geography
      LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN
        IF longitude IS NULL OR latitude IS NULL OR longitude = 'NaN' OR latitude = 'NaN'
           OR longitude < -180 OR longitude > 180 OR latitude < -90 OR latitude > 90 THEN
          RAISE EXCEPTION 'coordinates out of range: longitude %, latitude % (WGS-84 needs -180..180, -90..90)', longitude, latitude
            USING ERRCODE = '22003';
        END IF;
        RETURN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography;
      END $$`);

    await q.query(`
      CREATE TABLE area (
        code        text COLLATE "C" PRIMARY KEY,
        name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
        level       text NOT NULL CHECK (level IN ('PROVINCE','CITY','COUNTY','TOWNSHIP')),
        parent_code text COLLATE "C" REFERENCES area(code),
        boundary    geometry(MultiPolygon, 4326) CHECK (boundary IS NULL OR ST_IsValid(boundary)),
        seat        geography(Point, 4326),
        CONSTRAINT area_code_format CHECK (
          (level = 'PROVINCE' AND code ~ '^[0-9]{2}$') OR
          (level = 'CITY'     AND code ~ '^[0-9]{4}$') OR
          (level = 'COUNTY'   AND code ~ '^[0-9]{6}$') OR
          (level = 'TOWNSHIP' AND code ~ '^[0-9]{9}$')),
        CONSTRAINT area_parent_prefix CHECK (parent_code IS NULL OR starts_with(code, parent_code)),
        CONSTRAINT area_seat_in_range CHECK (seat IS NULL OR (ST_X(seat::geometry) BETWEEN -180 AND 180 AND ST_Y(seat::geometry) BETWEEN -90 AND 90))
      )`);
    await q.query(`CREATE INDEX area_parent_idx ON area (parent_code)`);
    await q.query(``);
    await q.query(`CREATE INDEX area_boundary_gist ON area USING GIST (boundary)`);
    await q.query(`CREATE INDEX area_seat_gist ON area USING GIST (seat)`);

    await q.query(`
      CREATE TABLE village (
        code           text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
        name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
        township_code  text COLLATE "C" NOT NULL REFERENCES area(code),
        county_code    text COLLATE "C" NOT NULL REFERENCES area(code),
        location       geography(Point, 4326) NOT NULL,
        population     integer NOT NULL CHECK (population >= 0),
        location_synthetic boolean NOT NULL DEFAULT true,
        CONSTRAINT village_in_township CHECK (starts_with(code, township_code) AND length(township_code) = 9),
        CONSTRAINT village_in_county CHECK (starts_with(code, county_code) AND length(county_code) = 6),
        CONSTRAINT village_location_in_range CHECK (ST_X(location::geometry) BETWEEN -180 AND 180 AND ST_Y(location::geometry) BETWEEN -90 AND 90)
      )`);
    await q.query(`CREATE INDEX village_township_idx ON village (township_code)`);
    await q.query(``);
    await q.query(`CREATE INDEX village_location_gist ON village USING GIST (location)`);

    await q.query(`
      CREATE TABLE service_item (
        code             text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,63}$'),
        name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        name_zh          text NOT NULL CHECK (length(btrim(name_zh)) BETWEEN 1 AND 100),
        delegation_level text NOT NULL CHECK (delegation_level IN ('VILLAGE','TOWNSHIP','COUNTY')),
        sort_order       integer NOT NULL DEFAULT 0
      )`);

    await q.query(`
      CREATE TABLE service_point (
        id            text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9-]{2,63}$'),
        name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        kind          text NOT NULL CHECK (kind IN ('VILLAGE_POINT','TOWNSHIP_STATION','COUNTY_HALL','HOSPITAL_STATION')),
        status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','PLANNED','CLOSED')),
        location      geography(Point, 4326) NOT NULL,
        area_code     text COLLATE "C" NOT NULL REFERENCES area(code),
        village_code  text COLLATE "C" REFERENCES village(code),
        address       text CHECK (address IS NULL OR length(address) <= 300),
        phone         text CHECK (phone IS NULL OR phone ~ '^[0-9+() -]{3,40}$'),
        opening_hours text CHECK (opening_hours IS NULL OR length(opening_hours) <= 200),
        location_synthetic boolean NOT NULL DEFAULT true,
        CONSTRAINT service_point_location_in_range CHECK (ST_X(location::geometry) BETWEEN -180 AND 180 AND ST_Y(location::geometry) BETWEEN -90 AND 90),
        CONSTRAINT service_point_village_kind CHECK (village_code IS NULL OR kind = 'VILLAGE_POINT'),
        CONSTRAINT service_point_village_in_area CHECK (village_code IS NULL OR starts_with(village_code, area_code))
      )`);
    await q.query(`CREATE INDEX service_point_area_prefix_idx ON service_point (area_code)`);
    await q.query(`CREATE INDEX service_point_village_idx ON service_point (village_code)`);
    await q.query(`CREATE INDEX service_point_location_gist ON service_point USING GIST (location)`);

    await q.query(`
      CREATE TABLE service_point_item (
        service_point_id text COLLATE "C" NOT NULL REFERENCES service_point(id) ON DELETE CASCADE,
        item_code        text COLLATE "C" NOT NULL REFERENCES service_item(code),
        PRIMARY KEY (service_point_id, item_code)
      )`);
    await q.query(`CREATE INDEX service_point_item_item_idx ON service_point_item (item_code)`);

    // Which seed datasets are loaded and from which file content, so a restart skips unchanged seeds.
    await q.query(`
      CREATE TABLE seed_state (
        dataset    text PRIMARY KEY,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE seed_state, service_point_item, service_point, service_item, village, area`);
    await q.query(`DROP FUNCTION sc_point(float8, float8)`);
  }
}
