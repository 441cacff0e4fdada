import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_CANDIDATES, chromiumPlan, findChromium } from '../../helpers/browser';

/** Finding a Chromium for the browser tests, and what they do without one (skip here, fail under CI). */

const only = (...files: string[]) => (file: string) => files.includes(file);

describe('findChromium', () => {
  it('honours CHROMIUM_PATH, and looks nowhere else when it is set', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium'))).toBe('/opt/chrome/chrome');
    expect(findChromium({ CHROMIUM_PATH: '/nonexistent' }, only('/usr/bin/chromium'))).toBeNull();
  });

  it('without CHROMIUM_PATH takes the first candidate that exists, in order', () => {
    expect(CHROMIUM_CANDIDATES[0]).toBe('/usr/bin/chromium');
    expect(findChromium({}, only('/usr/bin/google-chrome', '/usr/bin/chromium-browser'))).toBe('/usr/bin/chromium-browser');
    expect(findChromium({ CHROMIUM_PATH: '  ' }, only('/usr/bin/chromium'))).toBe('/usr/bin/chromium');
    expect(findChromium({}, only())).toBeNull();
  });

  it('accepts only an executable file (real file system)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-chromium-'));
    try {
      const exe = path.join(dir, 'chrome');
      const plain = path.join(dir, 'not-executable');
      fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(plain, '', { mode: 0o644 });
      expect(findChromium({ CHROMIUM_PATH: exe })).toBe(exe);
      expect(findChromium({ CHROMIUM_PATH: plain })).toBeNull();
      expect(findChromium({ CHROMIUM_PATH: dir })).toBeNull();
      expect(findChromium({ CHROMIUM_PATH: path.join(dir, 'missing') })).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chromiumPlan', () => {
  it('with a Chromium: runs, with its path', () => {
    expect(chromiumPlan({}, only('/usr/bin/chromium'))).toEqual({ executablePath: '/usr/bin/chromium', required: false });
    expect(chromiumPlan({ CI: 'true' }, only('/usr/bin/chromium'))).toEqual({ executablePath: '/usr/bin/chromium', required: true });
  });

  it('without one and without CI: skipped, with one line saying how to enable the tests', () => {
    const plan = chromiumPlan({}, only());
    expect(plan.executablePath).toBeNull();
    expect(plan.required).toBe(false);
    expect(plan.message).toMatch(/^Browser tests skipped: no Chromium found/);
    expect(plan.message).toContain('apt-get install chromium fonts-noto-cjk');
    expect(plan.message).toContain('CHROMIUM_PATH');
    expect(plan.message).not.toMatch(/\n/);
  });

  it('says which CHROMIUM_PATH was not usable', () => {
    expect(chromiumPlan({ CHROMIUM_PATH: '/nonexistent' }, only('/usr/bin/chromium')).message).toContain('CHROMIUM_PATH=/nonexistent is not an executable file');
  });

  it('without one under CI=true: required, so the tests run and fail with the reason', () => {
    for (const CI of ['true', 'TRUE', '1']) {
      const plan = chromiumPlan({ CI }, only());
      expect(plan.executablePath).toBeNull();
      expect(plan.required).toBe(true);
      expect(plan.message).toMatch(/CI=true requires them/);
      expect(plan.message).toContain('apt-get install chromium fonts-noto-cjk');
    }
    expect(chromiumPlan({ CI: 'false' }, only()).required).toBe(false);
  });
});
