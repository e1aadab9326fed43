// java.text.SimpleDateFormat patterns for consumer-perf-test's --date-format (default
// `yyyy-MM-dd HH:mm:ss:SSS`), in the local time zone as the JVM's default. Letters a-z and A-Z
// are fields, text in single quotes is literal ('' is a quote), anything else is copied.
// Supported fields: G y M L d D E u a H k K h m s S Z X, with English names. Kafka fails on a
// letter SimpleDateFormat does not know (`Illegal pattern character 'x'`); so does this, and it
// says so for the known letters it does not implement (Y w W F z: week dates and zone names).

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const JAVA_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

export class DateFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DateFormatError';
  }
}

type Field = { letter: string; count: number } | { literal: string };

function parse(pattern: string): Field[] {
  const fields: Field[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        fields.push({ literal: "'" });
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new DateFormatError('Unterminated quote');
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j++];
      }
      fields.push({ literal: text });
      i = j + 1;
    } else if (/[a-zA-Z]/.test(c)) {
      if (!JAVA_LETTERS.includes(c)) throw new DateFormatError(`Illegal pattern character '${c}'`);
      if ('YwWFz'.includes(c)) throw new DateFormatError(`The pattern letter '${c}' is not supported by mq`);
      let j = i;
      while (pattern[j] === c) j++;
      if (c === 'X' && j - i > 3) throw new DateFormatError(`invalid ISO 8601 format: length=${j - i}`);
      fields.push({ letter: c, count: j - i });
      i = j;
    } else {
      fields.push({ literal: c });
      i++;
    }
  }
  return fields;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `+hhmm`, `+hh:mm` or (hoursOnly) `+hh`. */
function offsetText(offsetMinutes: number, colon: boolean, hoursOnly = false): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = pad(Math.floor(abs / 60), 2);
  return hoursOnly ? `${sign}${hh}` : `${sign}${hh}${colon ? ':' : ''}${pad(abs % 60, 2)}`;
}

/**
 * Compiles a pattern into a formatter of epoch milliseconds. `offsetMinutes` gives the zone's
 * offset from UTC at an instant (default: this process's local zone).
 */
export function dateFormatter(pattern: string, offsetMinutes: (ms: number) => number = (ms) => -new Date(ms).getTimezoneOffset()): (ms: number) => string {
  const fields = parse(pattern);
  return (ms) => {
    const offset = offsetMinutes(ms);
    // The local wall-clock fields, read with the UTC getters of a shifted date.
    const d = new Date(ms + offset * 60_000);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth();
    const day = d.getUTCDay();
    const hour = d.getUTCHours();
    let out = '';
    for (const f of fields) {
      if ('literal' in f) {
        out += f.literal;
        continue;
      }
      const n = f.count;
      switch (f.letter) {
        case 'G':
          out += year > 0 ? 'AD' : 'BC';
          break;
        case 'y':
          out += n === 2 ? pad(year % 100, 2) : pad(year, n);
          break;
        case 'M':
        case 'L':
          out += n >= 4 ? MONTHS[month] : n === 3 ? MONTHS[month]!.slice(0, 3) : pad(month + 1, n);
          break;
        case 'd':
          out += pad(d.getUTCDate(), n);
          break;
        case 'D':
          out += pad(Math.floor((Date.UTC(year, month, d.getUTCDate()) - Date.UTC(year, 0, 1)) / 86_400_000) + 1, n);
          break;
        case 'E':
          out += n >= 4 ? DAYS[day] : DAYS[day]!.slice(0, 3);
          break;
        case 'u':
          out += pad(day === 0 ? 7 : day, n);
          break;
        case 'a':
          out += hour < 12 ? 'AM' : 'PM';
          break;
        case 'H':
          out += pad(hour, n);
          break;
        case 'k':
          out += pad(hour === 0 ? 24 : hour, n);
          break;
        case 'K':
          out += pad(hour % 12, n);
          break;
        case 'h':
          out += pad(hour % 12 === 0 ? 12 : hour % 12, n);
          break;
        case 'm':
          out += pad(d.getUTCMinutes(), n);
          break;
        case 's':
          out += pad(d.getUTCSeconds(), n);
          break;
        case 'S':
          out += pad(d.getUTCMilliseconds(), n);
          break;
        case 'Z':
          out += offsetText(offset, false);
          break;
        case 'X':
          out += offset === 0 ? 'Z' : offsetText(offset, n >= 3, n === 1);
          break;
      }
    }
    return out;
  };
}
