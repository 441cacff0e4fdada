import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * A ROAD answer names the road networks its area was computed on, not every stored one: the seeded data holds two,
 * 开阳县's (520121) and 三明市's (3504), separate graphs a thousand kilometres apart, joined into one graph whose name
 * (both) keys the fields. The provenance (parameters.network and the description's sentence) of an answer about
 * Kaiyang, one of its townships or villages, or Guizhou names 开阳县's only; about Sanming or Fujian, 三明市's only;
 * an answer with no area (a point's isochrone) names both, as before.
 */

const KAIYANG = '开阳县 synthetic roads (520121, synthetic)';
const SANMING = '三明市 synthetic roads (3504, synthetic)';

interface Provenance {
  travelModel: string;
  parameters: { network?: string };
  description: string;
}

describe('ROAD provenance names the networks of the answer\'s area (integration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const coverage = async (areaCode: string): Promise<Provenance> => {
    const r = await t.execute<{ coverage: { villageCount: number; provenance: Provenance } }>(
      `query($area: ID!) { coverage(areaCode: $area, mode: EBIKE, minutes: 15, travelModel: ROAD) { villageCount provenance { travelModel parameters description } } }`,
      { area: areaCode },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.coverage.villageCount).toBeGreaterThan(0);
    return r.data!.coverage.provenance;
  };

  const expectOnly = (p: Provenance, name: string, other: string) => {
    expect(p.travelModel).toBe('ROAD');
    expect(p.parameters.network).toBe(name);
    expect(p.description).toContain(`over the road network "${name}"`);
    expect(p.description).not.toContain(other);
  };

  it('both networks are stored, and an answer with no area (an isochrone) names both', async () => {
    const r = await t.execute<{ isochrone: { provenance: Provenance } }>(
      `{ isochrone(servicePointId: "TS-520121101", mode: EBIKE, minutes: 15, travelModel: ROAD) { provenance { travelModel parameters description } } }`,
    );
    expect(r.errors).toBeUndefined();
    const network = r.data!.isochrone.provenance.parameters.network!;
    expect(network).toContain(KAIYANG);
    expect(network).toContain(SANMING);
  });

  it.each([
    ['520121', KAIYANG, SANMING],
    ['520121101', KAIYANG, SANMING],
    ['52', KAIYANG, SANMING],
    ['3504', SANMING, KAIYANG],
    ['35', SANMING, KAIYANG],
  ])('a ROAD coverage of %s names %s only', async (areaCode, name, other) => {
    expectOnly(await coverage(areaCode), name, other);
  });

  it('gaps, the delegation matrix and whereToHandle (a village) name the area\'s network only', async () => {
    const r = await t.execute<{ coverageGaps: { provenance: Provenance }; delegationMatrix: { provenance: Provenance }; whereToHandle: { provenance: Provenance } }>(
      `{ coverageGaps(areaCode: "3504", mode: EBIKE, minutes: 15, travelModel: ROAD) { provenance { travelModel parameters description } }
         delegationMatrix(areaCode: "520121", mode: EBIKE, minutes: 15, travelModel: ROAD) { provenance { travelModel parameters description } }
         whereToHandle(villageCode: "520121101002", itemCode: "CHRONIC_DISEASE_CERT", mode: EBIKE, minutes: 15, travelModel: ROAD) { provenance { travelModel parameters description } } }`,
    );
    expect(r.errors).toBeUndefined();
    expectOnly(r.data!.coverageGaps.provenance, SANMING, KAIYANG);
    expectOnly(r.data!.delegationMatrix.provenance, KAIYANG, SANMING);
    expectOnly(r.data!.whereToHandle.provenance, KAIYANG, SANMING);
  });
});
