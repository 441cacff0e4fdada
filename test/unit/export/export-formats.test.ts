import { check } from '@placemarkio/check-geojson';
import type { CoverageProvenance } from '../../../src/coverage/coverage.type';
import { exportFileName, PROVENANCE_COLUMNS, provenanceHeaders, toCsvFile, toGeoJson } from '../../../src/export/export-formats';
import type { ExportTable } from '../../../src/export/export.service';

const provenance = {
  travelModel: 'STRAIGHT_LINE',
  model: 'STRAIGHT_LINE',
  parameters: {},
  method: 'INDEX',
  mode: 'EBIKE',
  speedKmh: 20,
  detourFactor: 1.3,
  minutes: 15,
  radiusMeters: 3846,
  dataVersion: '22',
  computedAt: '2026-11-25T22:50:55.675Z',
  description: 'Covered ≈ within 3846 m; 开阳县',
  syntheticData: true,
  scenario: null,
  handling: ['IN_PERSON'],
} as unknown as CoverageProvenance;

const table: ExportTable = {
  kind: 'gaps',
  columns: ['rank', 'code', 'name', 'longitude', 'latitude'],
  rows: [{ id: '520121101001', position: [106.9, 27.1], cells: { rank: 1, code: '520121101001', name: '龙广村', longitude: 106.9, latitude: 27.1 } }],
  summary: { uncoveredVillageCount: 1 },
  provenance,
  areaCode: '520121',
  itemCode: 'CHRONIC_DISEASE_CERT',
  crs: 'WGS84',
};

describe('export formats', () => {
  it('names the file after what it holds and what it was computed from', () => {
    expect(exportFileName(table, 'csv')).toBe('gaps-520121-CHRONIC_DISEASE_CERT-EBIKE-15min-STRAIGHT_LINE-v22.csv');
    const scenario = { ...provenance, scenario: { key: 'abcdef0123456789' } } as unknown as CoverageProvenance;
    expect(exportFileName({ ...table, itemCode: null, crs: 'BD09', provenance: scenario }, 'geojson')).toBe('gaps-520121-ANY_ITEM-EBIKE-15min-STRAIGHT_LINE-v22-scenario-abcdef0123456789-BD09.geojson');
    const assisted = { ...provenance, handling: ['IN_PERSON', 'ASSISTED'] } as unknown as CoverageProvenance;
    expect(exportFileName({ ...table, provenance: assisted }, 'csv')).toBe('gaps-520121-CHRONIC_DISEASE_CERT-EBIKE-15min-STRAIGHT_LINE-v22-IN_PERSON_ASSISTED.csv');
  });

  it('puts the provenance in ASCII headers (the description, which may hold other characters, stays in the GeoJSON)', () => {
    const headers = Object.fromEntries(provenanceHeaders(table, 'csv'));
    expect(headers).toEqual(expect.objectContaining({ 'Content-Disposition': 'attachment; filename="gaps-520121-CHRONIC_DISEASE_CERT-EBIKE-15min-STRAIGHT_LINE-v22.csv"', 'X-Data-Version': '22', 'X-Travel-Model': 'STRAIGHT_LINE', 'X-Coverage-Method': 'INDEX', 'X-Handling': 'IN_PERSON' }));
    for (const value of Object.values(headers)) expect(value).toMatch(/^[\x20-\x7e]*$/);
  });

  it('CSV: the columns, then the provenance columns on every row', () => {
    const text = toCsvFile(table).toString('utf8');
    expect(text).toBe(
      `\ufeff"rank","code","name","longitude","latitude",${PROVENANCE_COLUMNS.map((c) => `"${c}"`).join(',')}\r\n` +
        '1,"520121101001","龙广村",106.9,27.1,"CHRONIC_DISEASE_CERT","EBIKE",15,"STRAIGHT_LINE","INDEX","IN_PERSON","22","2026-11-25T22:50:55.675Z",,,"WGS84"\r\n',
    );
  });

  it('GeoJSON: an RFC 7946 FeatureCollection of Points, the position out of the properties, provenance on top', () => {
    const fc = toGeoJson(table);
    expect(() => check(JSON.stringify(fc))).not.toThrow();
    expect(fc.features[0]).toEqual({ type: 'Feature', id: '520121101001', geometry: { type: 'Point', coordinates: [106.9, 27.1] }, properties: { rank: 1, code: '520121101001', name: '龙广村' } });
    expect(fc.provenance).toBe(provenance);
    expect(fc.uncoveredVillageCount).toBe(1);
    expect(fc.coordinateSystem).toBeUndefined();
    expect(toGeoJson({ ...table, crs: 'GCJ02' }).coordinateSystem).toBe('GCJ02');
  });
});
