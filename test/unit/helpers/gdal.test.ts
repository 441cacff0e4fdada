import { findGdal, gdalPlan } from '../../helpers/gdal';

/** Finding GDAL's tools for the OGC API client tests, and what they do without them (skip here, fail under CI). */

const only = (...files: string[]) => (file: string) => files.includes(file);

describe('findGdal', () => {
  it('takes the first PATH directory holding both ogrinfo and ogr2ogr', () => {
    const env = { PATH: '/opt/a:/usr/local/bin:/usr/bin' };
    expect(findGdal(env, only('/usr/local/bin/ogrinfo', '/usr/bin/ogrinfo', '/usr/bin/ogr2ogr'))).toEqual({ ogrinfo: '/usr/bin/ogrinfo', ogr2ogr: '/usr/bin/ogr2ogr' });
    expect(findGdal(env, only('/opt/a/ogrinfo', '/opt/a/ogr2ogr', '/usr/bin/ogrinfo', '/usr/bin/ogr2ogr'))).toEqual({ ogrinfo: '/opt/a/ogrinfo', ogr2ogr: '/opt/a/ogr2ogr' });
    expect(findGdal(env, only('/usr/bin/ogrinfo'))).toBeNull();
    expect(findGdal({}, only('/usr/bin/ogrinfo', '/usr/bin/ogr2ogr'))).toBeNull();
  });
});

describe('gdalPlan', () => {
  const tools = only('/usr/bin/ogrinfo', '/usr/bin/ogr2ogr');
  it('runs the tests wherever the tools are', () => {
    expect(gdalPlan({ PATH: '/usr/bin' }, tools)).toEqual({ tools: { ogrinfo: '/usr/bin/ogrinfo', ogr2ogr: '/usr/bin/ogr2ogr' }, required: false });
    expect(gdalPlan({ PATH: '/usr/bin', CI: 'true' }, tools).required).toBe(true);
  });

  it('without them: a skip line saying how to enable them, or under CI a failure', () => {
    const skip = gdalPlan({ PATH: '/usr/bin' }, only());
    expect(skip).toMatchObject({ tools: null, required: false });
    expect(skip.message).toBe('GDAL tests skipped: no ogrinfo and ogr2ogr on PATH; to run them, install them (apt-get install gdal-bin) or put a directory holding ogrinfo and ogr2ogr first on PATH.');
    for (const CI of ['true', '1', ' TRUE ']) {
      const plan = gdalPlan({ PATH: '/usr/bin', CI }, only());
      expect(plan).toMatchObject({ tools: null, required: true });
      expect(plan.message).toContain('CI=true requires them');
    }
    expect(gdalPlan({ PATH: '/usr/bin', CI: 'false' }, only()).required).toBe(false);
  });
});
