// The recurrence form's simple choices <-> RFC 5545 RRULE text. Anything the simple choices cannot say is 'custom'.

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FREQ = { daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY' };
const UNITS = { daily: ['day', 'days'], weekly: ['week', 'weeks'], monthly: ['month', 'months'] };

/** {kind, interval, days, rrule} -> RRULE text, or null for 'none'. */
export function toRule({ kind, interval, days, rrule }) {
  if (kind === 'none') {
    return null;
  }
  if (kind === 'custom') {
    return (rrule || '').trim().replace(/^RRULE:/i, '');
  }
  const parts = [`FREQ=${FREQ[kind]}`];
  if (interval > 1) {
    parts.push(`INTERVAL=${interval}`);
  }
  if (kind === 'weekly' && days.length > 0) {
    parts.push(`BYDAY=${WEEKDAYS.filter(day => days.includes(day)).join(',')}`);
  }
  return parts.join(';');
}

/** RRULE text -> the simple choices when they can say it, else custom. */
export function fromRule(rule) {
  const text = (rule || '').trim().replace(/^RRULE:/i, '');
  const parts = {};
  for (const part of text.split(';')) {
    const [key, value] = part.split('=');
    if (!key || value === undefined || parts[key.toUpperCase()] !== undefined) {
      return custom(text);
    }
    parts[key.toUpperCase()] = value.toUpperCase();
  }
  const kind = Object.keys(FREQ).find(k => FREQ[k] === parts.FREQ);
  const extra = Object.keys(parts).filter(key => !['FREQ', 'INTERVAL', 'BYDAY'].includes(key));
  if (!kind || extra.length > 0) {
    return custom(text);
  }
  const interval = parts.INTERVAL === undefined ? 1 : Number(parts.INTERVAL);
  if (!Number.isInteger(interval) || interval < 1 || interval > 999) {
    return custom(text);
  }
  let days = [];
  if (parts.BYDAY !== undefined) {
    days = parts.BYDAY.split(',');
    if (kind !== 'weekly' || !days.every(day => WEEKDAYS.includes(day))) {
      return custom(text);
    }
  }
  return { kind, interval, days, rrule: text };
}

function custom(text) {
  return { kind: 'custom', interval: 1, days: [], rrule: text };
}

export function unit(kind, interval) {
  const names = UNITS[kind];
  return names ? names[interval === 1 ? 0 : 1] : '';
}

/** The weekday code of a 'YYYY-MM-DD' date. */
export function weekdayOf(date) {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
}
