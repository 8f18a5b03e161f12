import { describe, expect, it } from '@jest/globals';
import { loadConfig, parseDuration } from '../../deploy/config.js';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      BCRYPT_COST: 12,
      INCIDENT_AUTO_CLOSE_AFTER: 3 * 86_400_000,
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', INCIDENT_AUTO_CLOSE_AFTER: 'soon' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*INCIDENT_AUTO_CLOSE_AFTER|DATABASE_URL[\s\S]*PORT/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required in production/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ INCIDENT_AUTO_CLOSE_AFTER: '0ms' })).toThrow(
      /INCIDENT_AUTO_CLOSE_AFTER: must be between/,
    );
    expect(() => loadConfig({ INCIDENT_AUTO_CLOSE_AFTER: '99999999d' })).toThrow(/INCIDENT_AUTO_CLOSE_AFTER/);
    expect(() => loadConfig({ JWT_TTL: '1s' })).toThrow(/JWT_TTL/);
  });

  it('parses durations', () => {
    expect(parseDuration('3d')).toBe(259_200_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(() => parseDuration('3 days')).toThrow();
  });
});
