import { createTestApp, type TestApp } from '../../helpers/test-app';

/** A travel model the schema names but this server has no data for (ROAD without a road network): a coded refusal, never a 500. */
describe('travel models without their data (integration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['coverage', '{ coverage(areaCode: "520121", travelModel: ROAD) { coveredPopulation } }'],
    ['whereToHandle', '{ whereToHandle(villageCode: "520121101002", itemCode: "CHRONIC_DISEASE_CERT", travelModel: ROAD) { withinRule } }'],
    ['suggestSites', '{ suggestSites(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", travelModel: ROAD, count: 1) { status } }'],
  ])('%s with travelModel ROAD: BAD_USER_INPUT saying no road network is loaded', async (_name, query) => {
    const r = await t.execute(query);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'travelModel' });
    expect(r.errors?.[0]?.message).toMatch(/no road network is loaded/);
  });
});
