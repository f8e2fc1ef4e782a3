/**
 * When people are at the desk: inside these hours a merchant who asks for a person is queued for
 * an agent; outside them a call-back request is filed instead of leaving them waiting in a silent
 * queue. Hours, days and time zone come from the configuration; the clock is injected.
 */
import { z } from 'zod';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number {
  const [, h, m] = HH_MM.exec(hhmm) ?? [];
  return Number(h) * 60 + Number(m);
}

/** `09:00-18:00`: opening and closing time of day, closing after opening. */
const hoursSchema = z
  .string()
  .regex(/^\d\d:\d\d-\d\d:\d\d$/, 'expected HH:MM-HH:MM, e.g. 09:00-18:00')
  .refine((raw) => raw.split('-').every((part) => HH_MM.test(part)), 'hours are 00:00–23:59')
  .refine((raw) => {
    const [open, close] = raw.split('-') as [string, string];
    return minutesOf(open) < minutesOf(close);
  }, 'the closing time must come after the opening time');

/** `1-5` or `1,2,3,4,5,6` (ISO weekdays: 1 Monday … 7 Sunday). */
const daysSchema = z
  .string()
  .regex(/^[1-7](-[1-7])?(,[1-7](-[1-7])?)*$/, 'expected ISO weekdays, e.g. 1-5 or 1,2,3,4,5,6');

function daysOf(raw: string): Set<number> {
  const days = new Set<number>();
  for (const part of raw.split(',')) {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    for (let day = from; day <= (to ?? from); day++) days.add(day);
  }
  return days;
}

const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone, e.g. Asia/Shanghai');

export const businessHoursShape = {
  BUSINESS_HOURS: hoursSchema.default('09:00-18:00'),
  BUSINESS_DAYS: daysSchema.default('1-5'),
  BUSINESS_TIMEZONE: timeZoneSchema.default('Asia/Shanghai'),
};

const businessHoursSchema = z.object(businessHoursShape);
export type BusinessHoursSettings = z.output<typeof businessHoursSchema>;

export interface BusinessHours {
  isOpen(at: Date): boolean;
  /** "09:00-18:00", for the merchant's message. */
  readonly hoursText: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** From the settings (any left out take their defaults; a partial configuration in tests and tools). */
export function createBusinessHours(settings: Partial<BusinessHoursSettings> = {}): BusinessHours {
  const parsed = businessHoursSchema.parse({
    ...(settings.BUSINESS_HOURS !== undefined ? { BUSINESS_HOURS: settings.BUSINESS_HOURS } : {}),
    ...(settings.BUSINESS_DAYS !== undefined ? { BUSINESS_DAYS: settings.BUSINESS_DAYS } : {}),
    ...(settings.BUSINESS_TIMEZONE !== undefined ? { BUSINESS_TIMEZONE: settings.BUSINESS_TIMEZONE } : {}),
  });
  const [open, close] = parsed.BUSINESS_HOURS.split('-') as [string, string];
  const openMinute = minutesOf(open);
  const closeMinute = minutesOf(close);
  const days = daysOf(parsed.BUSINESS_DAYS);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: parsed.BUSINESS_TIMEZONE,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const pad = (minute: number) =>
    `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return {
    hoursText: `${pad(openMinute)}-${pad(closeMinute)}`,
    isOpen(at) {
      const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
      const day = WEEKDAYS[parts.weekday ?? ''] ?? 0;
      const minute = Number(parts.hour) * 60 + Number(parts.minute);
      return days.has(day) && minute >= openMinute && minute < closeMinute;
    },
  };
}
