// Date and timestamp formats of landing contracts: tokens YYYY MM DD HH mm ss, anything else is a
// literal separator. A format compiles once into a parser that validates the calendar and returns
// the ISO text PostgreSQL reads the same way under every DateStyle.

export type TemporalParser = (text: string) => string | undefined;

export interface CompiledTemporalFormat {
  parse?: TemporalParser;
  /** Why the format itself is unusable. */
  problem?: string;
}

type Field = "year" | "month" | "day" | "hour" | "minute" | "second";
const TOKENS: [string, Field, string][] = [
  ["YYYY", "year", "(\\d{4})"],
  ["MM", "month", "(\\d{1,2})"],
  ["DD", "day", "(\\d{1,2})"],
  ["HH", "hour", "(\\d{1,2})"],
  ["mm", "minute", "(\\d{1,2})"],
  ["ss", "second", "(\\d{1,2})"],
];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function compileTemporalFormat(format: string, type: "date" | "timestamp"): CompiledTemporalFormat {
  const order: Field[] = [];
  let pattern = "^";
  for (let i = 0; i < format.length; ) {
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      if (order.includes(token[1])) return { problem: `${token[0]} appears twice` };
      order.push(token[1]);
      pattern += token[2];
      i += token[0].length;
    } else {
      pattern += format[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i += 1;
    }
  }
  const has = (f: Field) => order.includes(f);
  for (const [token, field] of TOKENS.slice(0, 3)) {
    if (!has(field)) return { problem: `it needs ${token} (tokens: YYYY MM DD HH mm ss)` };
  }
  if (type === "date" && (has("hour") || has("minute") || has("second"))) {
    return { problem: "a date format has no time tokens (use a timestamp column)" };
  }
  if (type === "timestamp" && !(has("hour") && has("minute"))) return { problem: "it needs HH and mm" };
  if (has("second")) pattern += "(?:\\.(\\d{1,6}))?"; // fractional seconds are always accepted
  const regex = new RegExp(pattern + "$");
  const group = (f: Field) => order.indexOf(f) + 1; // 0 when absent
  const [iYear, iMonth, iDay, iHour, iMinute, iSecond] = (["year", "month", "day", "hour", "minute", "second"] as Field[]).map(group);
  const iFraction = order.length + 1;

  const parse: TemporalParser = (text) => {
    const m = regex.exec(text);
    if (m === null) return undefined;
    const year = +m[iYear];
    const month = +m[iMonth];
    const day = +m[iDay];
    if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return undefined;
    const date = `${m[iYear]}-${pad2(month)}-${pad2(day)}`;
    if (type === "date") return date;
    const hour = +m[iHour];
    const minute = +m[iMinute];
    const second = iSecond ? +m[iSecond] : 0;
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    const fraction = iSecond && m[iFraction] ? `.${m[iFraction]}` : "";
    return `${date} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fraction}`;
  };
  // ISO text (the default formats) is checked by character codes and returned as it is, with no
  // regex match or new string: dates and timestamps are a large share of the per-row cost.
  if (format === "YYYY-MM-DD" || format === "YYYY-MM-DD HH:mm:ss") {
    const length = format.length;
    return { parse: (text) => (text.length === length && isIsoTemporal(text) ? text : parse(text)) };
  }
  return { parse };
}

const ZERO = 48;

/** `YYYY-MM-DD` or `YYYY-MM-DD HH:mm:ss`, every field two/four digits and in range. */
function isIsoTemporal(text: string): boolean {
  const codes = ISO_SCRATCH;
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return isIsoTemporalBytes(codes, 0, text.length);
}
const ISO_SCRATCH = new Uint16Array(19);

/** The same check on bytes `[start, end)` of a buffer (10 or 19 bytes long): the CSV hot path. */
export function isIsoTemporalBytes(bytes: ArrayLike<number>, start: number, end: number): boolean {
  const digit = (i: number): number => {
    const d = bytes[start + i] - ZERO;
    return d >= 0 && d <= 9 ? d : -100;
  };
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  if (bytes[start + 4] !== 45 || bytes[start + 7] !== 45 || year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return false;
  if (end - start === 10) return true;
  const hour = digit(11) * 10 + digit(12);
  const minute = digit(14) * 10 + digit(15);
  const second = digit(17) * 10 + digit(18);
  return (
    bytes[start + 10] === 32 && bytes[start + 13] === 58 && bytes[start + 16] === 58 &&
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59
  );
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
