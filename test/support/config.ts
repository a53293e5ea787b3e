/**
 * The configuration and clock tests run with. CLOCK_OFFSET_DAYS from the environment moves both
 * the app under test and the fixtures (CI runs the suite a year ahead with it), so fixtures are
 * dated relative to `clock`, never at fixed dates that "now" will one day overtake.
 */
import { loadConfig, Config } from '../../src/config';

/** Test defaults, the environment's clock offset, then `env`. */
export function testConfig(env: Record<string, string | undefined> = {}): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CLOCK_OFFSET_DAYS: process.env.CLOCK_OFFSET_DAYS,
    ...env,
  });
}

export const clock = testConfig().clock;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The start of the hour before this file was loaded: a "now" that fixtures count back from. */
export const ANCHOR_MS = Math.floor(clock.now() / HOUR_MS) * HOUR_MS - HOUR_MS;

/** The ISO time `days` days before the anchor, plus `plusMs` (e.g. `daysAgo(3, 10 * 60_000)`: ten minutes later). */
export function daysAgo(days: number, plusMs = 0): string {
  return new Date(ANCHOR_MS - days * DAY_MS + plusMs).toISOString();
}
