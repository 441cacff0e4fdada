import { publicOrigin } from '../../../src/common/public-origin';

/** The origin absolute links are built on: PUBLIC_URL, else a trusted Host, else the listening address. */

const settings = { publicUrl: null, publicHosts: ['localhost', '127.0.0.1', '::1'], host: '127.0.0.1', port: 4000 };

describe('publicOrigin', () => {
  it('takes PUBLIC_URL first', () => {
    expect(publicOrigin({ protocol: 'http', host: 'localhost:4000' }, { ...settings, publicUrl: 'https://gis.example.org' })).toBe('https://gis.example.org');
  });

  it('echoes a Host whose name is trusted, with its port', () => {
    expect(publicOrigin({ protocol: 'http', host: 'localhost:4000' }, settings)).toBe('http://localhost:4000');
    expect(publicOrigin({ protocol: 'https', host: 'LOCALHOST' }, settings)).toBe('https://LOCALHOST');
    expect(publicOrigin({ protocol: 'http', host: '[::1]:4000' }, settings)).toBe('http://[::1]:4000');
  });

  it('falls back to the listening address for an untrusted, malformed or missing Host', () => {
    for (const host of ['evil.example.com', 'localhost:4000/x', 'localhost@evil', '', undefined]) {
      expect(publicOrigin({ protocol: 'http', host }, settings)).toBe('http://127.0.0.1:4000');
    }
    expect(publicOrigin({ protocol: 'http', host: 'evil' }, { ...settings, host: '::1' })).toBe('http://[::1]:4000');
  });
});
