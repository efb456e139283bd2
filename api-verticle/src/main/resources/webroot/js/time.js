// Time zones without a library: wall-clock times in an IANA zone <-> instants, through Intl.

export function localZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, the local one and UTC included. */
export function zones() {
  let list = [];
  try {
    list = Intl.supportedValuesOf('timeZone');
  } catch (e) {
    list = [];
  }
  const all = new Set(list);
  all.add('UTC');
  all.add(localZone());
  return Array.from(all).sort();
}

const partsFormats = new Map();

function partsFormat(zone) {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormats.set(zone, format);
  }
  return format;
}

/** The wall-clock fields of an instant (ms) in a zone. */
function wallFields(ms, zone) {
  const fields = {};
  for (const part of partsFormat(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') {
      fields[part.type] = Number(part.value);
    }
  }
  return fields;
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
export function offsetAt(ms, zone) {
  const f = wallFields(ms, zone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall-clock time ('2026-03-08', '09:30') in a zone. In a gap (spring forward) the time moves on by
 * the gap, as RFC 5545 does; in an overlap the earlier instant wins.
 */
export function wallToInstant(date, time, zone) {
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = (time || '00:00').split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, hh, mm);
  const before = asUtc - offsetAt(asUtc - 86_400_000, zone);
  const after = asUtc - offsetAt(asUtc + 86_400_000, zone);
  const candidates = [before, after].filter(ms => toWall(ms, zone).key === `${date}T${pad(hh)}:${pad(mm)}`);
  if (candidates.length > 0) {
    return Math.min(...candidates);
  }
  return Math.max(before, after);
}

/** An instant as a wall clock in a zone: {date: 'YYYY-MM-DD', time: 'HH:MM'}. */
export function toWall(ms, zone) {
  const f = wallFields(ms, zone);
  const date = `${f.year}-${pad(f.month)}-${pad(f.day)}`;
  const time = `${pad(f.hour)}:${pad(f.minute)}`;
  return { date, time, key: `${date}T${time}` };
}

/** RFC 3339 with the zone's offset at that instant, e.g. 2026-03-08T09:30:00+01:00. */
export function rfc3339(ms, zone) {
  const wall = toWall(ms, zone);
  const offset = Math.round(offsetAt(ms, zone) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall.date}T${wall.time}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function pad(n) {
  return String(n).padStart(2, '0');
}

/** Midnight (local zone) of the day of ms, plus days. */
export function startOfDay(ms, days = 0) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d.getTime();
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const yearDayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** A due date for the list, in the browser's zone: "Today, 14:30", "Tomorrow, 09:00", "Wed, 14:30", "12 Mar 2027". */
export function friendly(iso, now = Date.now()) {
  const ms = Date.parse(iso);
  const day = Math.round((startOfDay(ms) - startOfDay(now)) / 86_400_000);
  const time = timeFormat.format(ms);
  if (day === 0) {
    return `Today, ${time}`;
  }
  if (day === 1) {
    return `Tomorrow, ${time}`;
  }
  if (day === -1) {
    return `Yesterday, ${time}`;
  }
  if (day > 1 && day < 7) {
    return `${weekdayFormat.format(ms)}, ${time}`;
  }
  if (new Date(ms).getFullYear() === new Date(now).getFullYear()) {
    return `${dayFormat.format(ms)}, ${time}`;
  }
  return `${yearDayFormat.format(ms)}, ${time}`;
}

/** The full date and time, in the browser's zone. */
export function full(iso) {
  return fullFormat.format(Date.parse(iso));
}

/** The full date and time as the wall clock of another zone shows it. */
export function fullIn(iso, zone) {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: zone })
    .format(Date.parse(iso));
}

const wallFormat = new Intl.DateTimeFormat(undefined, {
  timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

/** A local date-time without zone ('2026-03-08T09:00:00', as the preview answers) shown as it reads. */
export function wallText(local) {
  const [date, time] = local.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return wallFormat.format(Date.UTC(y, mo - 1, d, hh, mm));
}

/** "in 3 min", "5 min ago": for reminders. */
export function relative(iso, now = Date.now()) {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) {
    return format.format(minutes, 'minute');
  }
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) {
    return format.format(hours, 'hour');
  }
  return format.format(Math.round(hours / 24), 'day');
}
