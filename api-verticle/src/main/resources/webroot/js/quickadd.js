// Quick add that understands: "Pay rent every month on the 1st at 9am #bills !high" -> the fields POST /tasks takes.
// Pure functions of (text, now, zone): no DOM, no clock of their own, so the browser tests can check a table of them.
//
// What is understood (English, case-insensitive, each only as whole words; text in "double quotes" is kept as written):
//   dates    today, tomorrow, monday..sunday (the next one after today), next friday (that day of next week),
//            next week (next Monday), in 3 days / 2 weeks / 1 month, 2026-12-24, dec 24, 24 dec, december 24th 2027
//            (optionally after "on", "by" or "due")
//   times    5pm, 9:30am, 17:30, at 9 (24-hour), noon (optionally after "at")
//   tags     #bills (1 to 50 characters, no comma)
//   priority !low !normal !high !urgent, or !1 (urgent) .. !4 (low)
//   repeats  every day / week / month / year, every 3 days, every other week, every monday (and tuesday, ...),
//            every weekday, every month on the 1st; "every!" counts the next one from completion (anchor completion)
// A date without a time is due at 09:00 (as in the editor), or at 23:59 when that is already past (today);
// a time without a date is today's, or tomorrow's once it has passed. A repeat without a date starts at its first
// occurrence from now on, and that occurrence is the task's due date (the series' DTSTART).
import { pad, rfc3339, toWall, wallToInstant } from './time.js';

export const DEFAULT_TIME = '09:00';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const RRULE_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PRIORITY_DIGITS = { 1: 'urgent', 2: 'high', 3: 'normal', 4: 'low' };
const PRIORITY_WORDS = { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' };

// a word starts after the text's start or a space, and ends before the end, a space or punctuation
const START = '(?<![^\\s(])';
const END = '(?![^\\s,.;:!?)])';
const DAY_FULL = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday)';
const DAY_ANY = '(sun(?:day)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?)';
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?'
  + '|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ORDINAL = '(?:st|nd|rd|th)?';
const PREFIX = '(?:(?:on|by|due)\\s+)?';
const UNIT = '(day|week|month|year)s?';

function word(pattern) {
  return new RegExp(START + pattern + END, 'gi');
}

function dayIndex(name) {
  const lower = name.toLowerCase();
  return WEEKDAYS.findIndex(day => day.startsWith(lower.slice(0, 3)));
}

function monthIndex(name) {
  return SHORT_MONTHS.findIndex(month => month.toLowerCase() === name.toLowerCase().slice(0, 3));
}

// ---- calendar arithmetic on wall dates ('YYYY-MM-DD'), zone-free ----

function parts(date) {
  const [y, m, d] = date.split('-').map(Number);
  return { y, m, d };
}

function ymd(y, m, d) {
  const t = new Date(Date.UTC(y, m - 1, d));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function addDays(date, n) {
  const { y, m, d } = parts(date);
  return ymd(y, m, d + n);
}

/** Months added, the day kept where the month has it, else its last day (Jan 31 + 1 month = Feb 28). */
function addMonths(date, n) {
  const { y, m, d } = parts(date);
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return ymd(y, m + n, Math.min(d, last));
}

function weekday(date) {
  const { y, m, d } = parts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function realDate(y, m, d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// ---- the recognisers: each turns a match into one part; the first of a kind wins, tags add up ----

const REPEATS = [
  {
    re: word(`every(!)?\\s+weekday`),
    rule: () => ({ freq: 'WEEKLY', interval: 1, byDay: [1, 2, 3, 4, 5] }),
  },
  {
    re: word(`every(!)?\\s+month\\s+on\\s+the\\s+(\\d{1,2})${ORDINAL}`),
    rule: m => Number(m[2]) >= 1 && Number(m[2]) <= 31
      ? { freq: 'MONTHLY', interval: 1, byMonthDay: Number(m[2]) } : null,
  },
  {
    re: word(`every(!)?\\s+${DAY_ANY}((?:\\s*(?:,|and|&)\\s*${DAY_ANY})*)`),
    rule: m => {
      const names = [m[2], ...m[3].split(/\s*(?:,|and|&)\s*/i).filter(Boolean)];
      const days = Array.from(new Set(names.map(dayIndex))).sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
      return { freq: 'WEEKLY', interval: 1, byDay: days };
    },
  },
  {
    re: word(`every(!)?\\s+(?:(other)\\s+|(\\d{1,3})\\s+)?${UNIT}`),
    rule: m => {
      const interval = m[2] ? 2 : m[3] ? Number(m[3]) : 1;
      return interval >= 1 ? { freq: { day: 'DAILY', week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' }[m[4].toLowerCase()], interval } : null;
    },
  },
];

/** Each: (match, today) -> a wall date or null. */
const DATES = [
  { re: word(`${PREFIX}(today)`), date: (m, today) => today },
  { re: word(`${PREFIX}(tomorrow)`), date: (m, today) => addDays(today, 1) },
  { re: word(`${PREFIX}(\\d{4})-(\\d{2})-(\\d{2})`), date: m => realDate(+m[1], +m[2], +m[3]) ? `${m[1]}-${m[2]}-${m[3]}` : null },
  { re: word(`${PREFIX}in\\s+(\\d{1,3})\\s+${UNIT}`), date: (m, today) => {
    const n = Number(m[1]);
    return { day: addDays(today, n), week: addDays(today, 7 * n), month: addMonths(today, n), year: addMonths(today, 12 * n) }[m[2].toLowerCase()];
  } },
  { re: word(`${PREFIX}next\\s+week`), date: (m, today) => addDays(today, 7 - ((weekday(today) + 6) % 7)) },
  { re: word(`${PREFIX}next\\s+${DAY_ANY}`), date: (m, today) => {
    // that day in next week (weeks start on Monday)
    const monday = addDays(today, 7 - ((weekday(today) + 6) % 7));
    return addDays(monday, (dayIndex(m[1]) + 6) % 7);
  } },
  { re: word(`${PREFIX}${MONTH}\\.?\\s+(\\d{1,2})${ORDINAL}(?:,?\\s+(\\d{4}))?`), date: (m, today) => monthDay(today, monthIndex(m[1]) + 1, +m[2], m[3]) },
  { re: word(`${PREFIX}(\\d{1,2})${ORDINAL}\\s+${MONTH}\\.?(?:,?\\s+(\\d{4}))?`), date: (m, today) => monthDay(today, monthIndex(m[2]) + 1, +m[1], m[3]) },
  { re: word(`(?:(?:on|by|due)\\s+)?${DAY_FULL}`), date: (m, today) => nextWeekday(today, dayIndex(m[1])) },
  { re: word(`(?:on|by|due)\\s+${DAY_ANY}`), date: (m, today) => nextWeekday(today, dayIndex(m[1])) },
];

const TIMES = [
  { re: word(`(?:at\\s+)?(\\d{1,2})(?::([0-5]\\d))?\\s?(am|pm)`), time: m => {
    const hour = Number(m[1]);
    if (hour < 1 || hour > 12) {
      return null;
    }
    return `${pad((hour % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0))}:${m[2] || '00'}`;
  } },
  { re: word(`(?:at\\s+)?([01]?\\d|2[0-3]):([0-5]\\d)`), time: m => `${pad(Number(m[1]))}:${m[2]}` },
  { re: word(`at\\s+([01]?\\d|2[0-3])`), time: m => `${pad(Number(m[1]))}:00` },
  { re: word(`(?:at\\s+)?noon`), time: () => '12:00' },
];

// a tag does not end in the punctuation after it ("#bills." is the tag bills)
const TAG = word('#([^\\s#,]{0,49}[^\\s#,.;:!?)])');
const PRIORITY = word('!(low|normal|high|urgent|[1-4])');
const QUOTED = /"([^"]*)"|\u201c([^\u201d]*)\u201d/g;

function monthDay(today, month, day, year) {
  const y = year ? Number(year) : parts(today).y;
  if (!realDate(y, month, day)) {
    return year ? null : realDate(y + 1, month, day) ? `${y + 1}-${pad(month)}-${pad(day)}` : null;
  }
  const date = `${y}-${pad(month)}-${pad(day)}`;
  // without a year: the next such day, today included
  return !year && date < today ? `${y + 1}-${pad(month)}-${pad(day)}` : date;
}

function nextWeekday(today, index) {
  const ahead = ((index - weekday(today) + 7) % 7) || 7;
  return addDays(today, ahead);
}

/**
 * What `text` means at instant `now` (ms) for someone in IANA `zone`:
 * {title, dueAt, timezone, tags, priority, recurrence, parts}. dueAt is RFC 3339 with the zone's offset (or null),
 * recurrence is {rrule, dtstart, timezone, anchor?} for POST /tasks (or null), priority is null when not given, and
 * parts lists what was understood, for the preview: the due date, the repeat, the tags, the priority, each as
 * {kind, label, spans: [{start, end, source}]} (the text it came from; none for a due date a repeat implies).
 */
export function parse(text, now, zone) {
  const quoted = [];
  for (const m of text.matchAll(QUOTED)) {
    quoted.push({ start: m.index, end: m.index + m[0].length });
  }
  const claimed = [...quoted];
  const free = (start, end) => !claimed.some(span => start < span.end && end > span.start);
  const found = [];
  const first = (kind, recognisers, value) => {
    for (const recogniser of recognisers) {
      for (const m of text.matchAll(recogniser.re)) {
        const end = m.index + m[0].length;
        if (!free(m.index, end)) {
          continue;
        }
        const result = value(recogniser, m);
        if (result != null) {
          claimed.push({ start: m.index, end });
          found.push({ kind, start: m.index, end, source: m[0], value: result });
          return;
        }
      }
    }
  };
  const today = toWall(now, zone).date;
  first('repeat', REPEATS, (r, m) => {
    const rule = r.rule(m);
    return rule ? { ...rule, completion: Boolean(m[1]) } : null;
  });
  first('date', DATES, (r, m) => r.date(m, today));
  first('time', TIMES, (r, m) => r.time(m));
  first('priority', [{ re: PRIORITY }], (r, m) => PRIORITY_DIGITS[m[1]] || PRIORITY_WORDS[m[1].toLowerCase()]);
  for (const m of text.matchAll(TAG)) {
    const end = m.index + m[0].length;
    if (free(m.index, end)) {
      claimed.push({ start: m.index, end });
      found.push({ kind: 'tag', start: m.index, end, source: m[0], value: m[1] });
    }
  }
  found.sort((a, b) => a.start - b.start);

  const pick = kind => found.find(part => part.kind === kind);
  const repeat = pick('repeat');
  const date = pick('date');
  const time = pick('time');
  const priority = pick('priority');
  const tags = [];
  for (const part of found.filter(p => p.kind === 'tag')) {
    if (!tags.includes(part.value) && tags.length < 20) {
      tags.push(part.value);
    }
  }

  let due = null;
  if (repeat) {
    due = firstOccurrence(repeat.value, date ? date.value : null, time ? time.value : null, now, zone);
  } else if (date || time) {
    due = dueFor(date ? date.value : null, time ? time.value : null, now, zone);
  }
  const dueAt = due ? rfc3339(wallToInstant(due.date, due.time, zone), zone) : null;
  const recurrence = repeat && due ? {
    rrule: rrule(repeat.value),
    dtstart: `${due.date}T${due.time}:00`,
    timezone: zone,
    ...(repeat.value.completion ? { anchor: 'completion' } : {}),
  } : null;

  const span = part => ({ start: part.start, end: part.end, source: part.source });
  const shown = [];
  if (due) {
    const thisYear = parts(today).y;
    shown.push({ kind: 'due', label: `due ${describeDue(due, thisYear)}`, spans: [date, time].filter(Boolean).map(span) });
  }
  if (repeat) {
    shown.push({ kind: 'repeat', label: describeRepeat(repeat.value), spans: [span(repeat)] });
  }
  for (const part of found.filter(p => p.kind === 'tag')) {
    const same = shown.find(chip => chip.kind === 'tag' && chip.label === `#${part.value}`);
    if (same) {
      same.spans.push(span(part));
    } else {
      shown.push({ kind: 'tag', label: `#${part.value}`, spans: [span(part)] });
    }
  }
  if (priority) {
    shown.push({ kind: 'priority', label: priority.value, spans: [span(priority)] });
  }
  return {
    title: titleWithout(text, found, quoted),
    dueAt,
    timezone: due ? zone : null,
    due,
    tags,
    priority: priority ? priority.value : null,
    recurrence,
    parts: shown,
  };
}

/** The text with what was understood taken out, the quotes of literal text dropped, spaces tidied. */
function titleWithout(text, found, quoted) {
  const cuts = [
    ...found.map(part => ({ start: part.start, end: part.end, keep: null })),
    ...quoted.map(span => ({ start: span.start, end: span.end, keep: text.slice(span.start + 1, span.end - 1) })),
  ].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const cut of cuts) {
    out += text.slice(at, cut.start) + (cut.keep === null ? ' ' : cut.keep);
    at = cut.end;
  }
  out += text.slice(at);
  return out.replace(/\s+/g, ' ').replace(/\s+([,.;:!?])/g, '$1').replace(/[,;:](?=[.!?,;:])/g, '').replace(/^[\s,;:-]+|[\s,;:-]+$/g, '');
}

function dueFor(date, time, now, zone) {
  const today = toWall(now, zone).date;
  if (date && time) {
    return { date, time };
  }
  if (date) {
    const ahead = wallToInstant(date, DEFAULT_TIME, zone) > now;
    return { date, time: ahead || date !== today ? DEFAULT_TIME : '23:59' };
  }
  const todayAt = wallToInstant(today, time, zone);
  return { date: todayAt > now ? today : addDays(today, 1), time };
}

/** The day a rule first matches from now on (or from the given date), at the given time or 09:00. */
function firstOccurrence(rule, date, time, now, zone) {
  const at = time || DEFAULT_TIME;
  if (date) {
    return { date, time: at };
  }
  const today = toWall(now, zone).date;
  for (let i = 0; i < 400; i++) {
    const day = addDays(today, i);
    const matches = rule.byDay ? rule.byDay.includes(weekday(day))
      : rule.byMonthDay ? parts(day).d === rule.byMonthDay : true;
    if (matches && (i > 0 || wallToInstant(day, at, zone) > now)) {
      return { date: day, time: at };
    }
  }
  return null;
}

export function rrule(rule) {
  let text = `FREQ=${rule.freq}`;
  if (rule.interval > 1) {
    text += `;INTERVAL=${rule.interval}`;
  }
  if (rule.byDay) {
    text += `;BYDAY=${rule.byDay.map(d => RRULE_DAYS[d]).join(',')}`;
  }
  if (rule.byMonthDay) {
    text += `;BYMONTHDAY=${rule.byMonthDay}`;
  }
  return text;
}

function describeRepeat(rule) {
  const units = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };
  const plain = { DAILY: 'daily', WEEKLY: 'weekly', MONTHLY: 'monthly', YEARLY: 'yearly' };
  let text;
  if (rule.byDay && rule.byDay.join() === '1,2,3,4,5') {
    text = 'repeats every weekday';
  } else if (rule.byDay) {
    text = `repeats weekly on ${rule.byDay.map(d => SHORT_DAYS[d]).join(', ')}`;
  } else if (rule.byMonthDay) {
    text = `repeats monthly on day ${rule.byMonthDay}`;
  } else if (rule.interval > 1) {
    text = `repeats every ${rule.interval} ${units[rule.freq]}s`;
  } else {
    text = `repeats ${plain[rule.freq]}`;
  }
  return rule.completion ? `${text} from completion` : text;
}

/** "Mon 1 Jan 09:00", with the year when it is not this year's. */
function describeDue(due, thisYear) {
  const { y, m, d } = parts(due.date);
  const year = y === thisYear ? '' : ` ${y}`;
  return `${SHORT_DAYS[weekday(due.date)]} ${d} ${SHORT_MONTHS[m - 1]}${year} ${due.time}`;
}

/** The body of POST /tasks for a parse; `extraTag` (the tag being looked at) is added when given. */
export function taskBody(parsed, extraTag = null) {
  const body = { title: parsed.title };
  const tags = extraTag && !parsed.tags.includes(extraTag) ? [...parsed.tags, extraTag] : parsed.tags;
  if (tags.length) {
    body.tags = tags;
  }
  if (parsed.priority) {
    body.priority = parsed.priority;
  }
  if (parsed.dueAt) {
    body.dueAt = parsed.dueAt;
    body.timezone = parsed.timezone;
  }
  if (parsed.recurrence) {
    body.recurrence = parsed.recurrence;
  }
  return body;
}

/** The text with one part's words made literal (quoted), as when its chip is clicked. */
export function keepLiteral(text, part) {
  let out = text;
  for (const span of [...part.spans].sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, span.start)}"${span.source}"${out.slice(span.end)}`;
  }
  return out;
}
