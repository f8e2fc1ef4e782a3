/**
 * Agents by their own tokens, and the business hours that decide between a queue and a call-back.
 */
import { describe, expect, it } from 'vitest';
import { createBusinessHours } from '../../src/handoff/business-hours.ts';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { createStaffCredentials } from '../../src/staff/staff-credentials.ts';

describe('staff directory', () => {
  const staff = createStaffCredentials({
    agents: [
      { name: 'alice', token: 'alice-token-0123456789' },
      { name: 'bob', token: 'bob-token-0123456789ab' },
    ],
  });

  it('names the agent a token belongs to, from a bearer header or a bare token', () => {
    expect(staff.authenticate('Bearer alice-token-0123456789')?.name).toBe('alice');
    expect(staff.authenticate('bearer   bob-token-0123456789ab')?.name).toBe('bob');
    expect(staff.identify('bob-token-0123456789ab')?.name).toBe('bob');
    expect(staff.countWith('agent')).toBe(2);
  });

  it('refuses anything else', () => {
    for (const wrong of [
      undefined,
      '',
      'Bearer',
      'Bearer alice-token-012345678',
      'Basic alice-token-0123456789',
      'alice',
    ]) {
      expect(staff.authenticate(wrong)).toBeUndefined();
    }
    expect(createStaffCredentials({}).authenticate('Bearer anything-at-all-0123')).toBeUndefined();
  });
});

describe('business hours', () => {
  // 2026-11-25 is a Wednesday; 2026-11-28 a Saturday.
  const at = (iso: string) => new Date(iso);

  it('defaults to 09:00-18:00, Monday to Friday, China time', () => {
    const hours = createBusinessHours();
    expect(hours.isOpen(at('2026-11-25T01:00:00Z'))).toBe(true); // 09:00 Shanghai
    expect(hours.isOpen(at('2026-11-25T00:59:00Z'))).toBe(false); // 08:59
    expect(hours.isOpen(at('2026-11-25T09:59:00Z'))).toBe(true); // 17:59
    expect(hours.isOpen(at('2026-11-25T10:00:00Z'))).toBe(false); // 18:00
    expect(hours.isOpen(at('2026-11-28T03:00:00Z'))).toBe(false); // Saturday 11:00
  });

  it('follows the configured hours, days and time zone', () => {
    const hours = createBusinessHours({
      BUSINESS_HOURS: '08:30-12:00',
      BUSINESS_DAYS: '6,7',
      BUSINESS_TIMEZONE: 'Europe/London',
    });
    expect(hours.hoursText).toBe('08:30-12:00');
    expect(hours.isOpen(at('2026-11-28T09:00:00Z'))).toBe(true);
    expect(hours.isOpen(at('2026-11-25T09:00:00Z'))).toBe(false);
  });

  it('a bad setting stops the start and names the variable', () => {
    for (const [name, value] of [
      ['BUSINESS_HOURS', '18:00-09:00'],
      ['BUSINESS_HOURS', '9-18'],
      ['BUSINESS_DAYS', '0-8'],
      ['BUSINESS_TIMEZONE', 'Mars/Olympus'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }, () => 'generated-token-0123456789')).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value }, () => 'generated-token-0123456789')).toThrow(name);
    }
  });
});
