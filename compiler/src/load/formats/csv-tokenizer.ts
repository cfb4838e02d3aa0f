// RFC 4180 CSV records from bytes that arrive in chunks. Written for the load hot path: it scans
// the bytes with indexOf and index reads and makes no string at all. A record is handed over as
// byte ranges into one buffer (`CsvRecord`), valid only during the callback; a quoted field that
// contains doubled quotes is unquoted in place when asked for (`unquote`).
//
// Accepted: "," (or any one ASCII character) between fields, `"` quoting with `""` for a quote,
// delimiters and newlines inside quoted fields, LF / CRLF / CR record ends, blank lines (skipped).
// A multi-byte UTF-8 character never contains an ASCII byte, so scanning bytes is safe for UTF-8.

const LF = 10;
const CR = 13;

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    /** The record (1-based, counting the header) the error is in. */
    readonly record: number,
  ) {
    super(message);
  }
}

/** One record: field i is `bytes[starts[i], ends[i])`; `doubled[i]` when it still holds `""` pairs. */
export class CsvRecord {
  bytes: Buffer = Buffer.alloc(0);
  length = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  doubled = new Uint8Array(64);

  constructor(private readonly quote: number) {}

  push(start: number, end: number, doubled: boolean): void {
    if (this.length === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.doubled = grow(this.doubled);
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.doubled[this.length] = doubled ? 1 : 0;
    this.length += 1;
  }

  /** Turns `""` into `"` in field i, in place (the record is complete, its bytes are not read again). */
  unquote(i: number): void {
    if (this.doubled[i] === 0) return;
    const { bytes, quote } = this;
    let to = this.starts[i];
    const end = this.ends[i];
    for (let from = to; from < end; from++, to++) {
      bytes[to] = bytes[from];
      if (bytes[from] === quote) from += 1;
    }
    this.ends[i] = to;
    this.doubled[i] = 0;
  }

  /** Field i as a string (header, messages, the slow path of unusual values). */
  text(i: number): string {
    this.unquote(i);
    return this.bytes.toString("utf8", this.starts[i], this.ends[i]);
  }

  toStrings(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.text(i));
  }
}

export class CsvTokenizer {
  private carry: Buffer | undefined;
  private records = 0;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly record: CsvRecord;

  constructor(
    options: { delimiter: string; quote: string },
    private readonly onRecord: (record: CsvRecord) => void,
  ) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    if (this.delimiter > 127 || this.quote > 127) throw new Error("the CSV delimiter and quote must be ASCII characters");
    this.record = new CsvRecord(this.quote);
  }

  /** Parses every complete record in `chunk` (plus what was left over from the previous call). */
  write(chunk: Buffer): void {
    // Always a copy of our own (a memcpy, cheap): unquoting writes into these bytes.
    const buf = Buffer.concat(this.carry === undefined ? [chunk] : [this.carry, chunk]);
    const consumed = this.parse(buf, false);
    this.carry = consumed < buf.length ? buf.subarray(consumed) : undefined;
  }

  /** The input ended: the last record may lack its newline; an open quote is an error. */
  end(): void {
    if (this.carry !== undefined) this.parse(this.carry, true);
    this.carry = undefined;
  }

  /** Returns how far it got: the start of the first incomplete record, or buf.length. */
  private parse(buf: Buffer, final: boolean): number {
    const n = buf.length;
    const { delimiter, quote, record } = this;
    record.bytes = buf;
    let pos = 0;
    while (pos < n) {
      const start = pos;
      record.length = 0;
      let blank = true;
      for (;;) {
        if (pos < n && buf[pos] === quote) {
          blank = false;
          // Quoted field: runs to the next quote that is not doubled.
          const from = pos + 1;
          let doubled = false;
          let end = from;
          for (;;) {
            end = buf.indexOf(quote, end);
            if (end < 0 || (end + 1 >= n && !final)) {
              if (final) throw new CsvSyntaxError("a quoted field is not closed before the end of the file", this.records + 1);
              return start;
            }
            if (end + 1 < n && buf[end + 1] === quote) {
              doubled = true;
              end += 2;
              continue;
            }
            break;
          }
          record.push(from, end, doubled);
          pos = end + 1;
          if (pos >= n) break; // final: end of file ends the record
          const c = buf[pos];
          if (c === delimiter) {
            pos += 1;
            continue;
          }
          if (c === LF || c === CR) {
            const next = afterNewline(buf, pos, final);
            if (next < 0) return start;
            pos = next;
            break;
          }
          throw new CsvSyntaxError(
            `unexpected ${JSON.stringify(buf.toString("utf8", pos, pos + 1))} after a closing quote (a quote inside a quoted field must be doubled)`,
            this.records + 1,
          );
        }
        // Unquoted field: runs to the next delimiter or newline.
        let end = pos;
        while (end < n) {
          const c = buf[end];
          if (c === delimiter || c === LF || c === CR) break;
          end += 1;
        }
        if (end >= n && !final) return start;
        if (end > pos) blank = false;
        record.push(pos, end, false);
        pos = end;
        if (pos >= n) break;
        if (buf[pos] === delimiter) {
          blank = false;
          pos += 1;
          if (pos >= n && final) {
            record.push(pos, pos, false);
            break;
          }
          continue;
        }
        const next = afterNewline(buf, pos, final);
        if (next < 0) return start;
        pos = next;
        break;
      }
      if (!blank) {
        this.records += 1;
        this.onRecord(record);
      }
    }
    return pos;
  }
}

/** Position after the newline at `pos` (LF, CRLF or a lone CR); -1 if a CR ends a non-final buffer. */
function afterNewline(buf: Buffer, pos: number, final: boolean): number {
  if (buf[pos] === LF) return pos + 1;
  if (pos + 1 < buf.length) return buf[pos + 1] === LF ? pos + 2 : pos + 1;
  return final ? pos + 1 : -1;
}
