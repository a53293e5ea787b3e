import { loadConfig } from '../../src/config';
import { fixedClock, shiftedClock, systemClock } from '../../src/util/clock';

describe('the clock every rule reads "now" from', () => {
  it('is the wall clock by default', () => {
    expect(loadConfig({}).clock).toBe(systemClock);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1_000);
  });

  it('runs CLOCK_OFFSET_DAYS ahead when set, in production too (CI spawns production processes)', () => {
    for (const env of [
      {},
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@localhost/db', GATEWAY_SECRET: 'g'.repeat(32) },
    ]) {
      const config = loadConfig({ ...env, CLOCK_OFFSET_DAYS: '400' });
      expect(config.clockOffsetDays).toBe(400);
      expect(Math.abs(config.clock.now() - Date.now() - 400 * 86_400_000)).toBeLessThan(1_000);
    }
    expect(() => loadConfig({ CLOCK_OFFSET_DAYS: 'soon' })).toThrow(/CLOCK_OFFSET_DAYS/);
  });

  it('shifts and pins', () => {
    expect(shiftedClock(5_000, fixedClock(1_000)).now()).toBe(6_000);
    expect(shiftedClock(0, fixedClock(1_000)).now()).toBe(1_000);
    expect(() => shiftedClock(Number.NaN)).toThrow(RangeError);
  });
});
