// RFC 4180 CSV records from decoded text that arrives in chunks. Written for the load hot path:
// csv-parse examines every byte through its general option machinery and made `strata load`
// several times slower than `psql \copy` (bench/load/RESULTS.md); this scans with indexOf and
// charCodeAt, and slices each field once.
//
// Accepted: "," (or any one-character delimiter) between fields, `"` quoting with `""` for a quote,
// delimiters and newlines inside quoted fields, LF / CRLF / CR record ends, blank lines (skipped).

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

export class CsvTokenizer {
  private carry = "";
  private records = 0;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly quoteChar: string;

  constructor(
    options: { delimiter: string; quote: string },
    private readonly onRecord: (fields: string[]) => void,
  ) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    this.quoteChar = options.quote;
  }

  /** Parses every complete record in `text` (plus what was left over from the previous call). */
  write(text: string): void {
    const buf = this.carry === "" ? text : this.carry + text;
    const consumed = this.parse(buf, false);
    this.carry = consumed < buf.length ? buf.slice(consumed) : "";
  }

  /** The input ended: the last record may lack its newline; an open quote is an error. */
  end(): void {
    if (this.carry !== "") this.parse(this.carry, true);
    this.carry = "";
  }

  /** Returns how far it got: the start of the first incomplete record, or buf.length. */
  private parse(buf: string, final: boolean): number {
    const n = buf.length;
    const { delimiter, quote } = this;
    let pos = 0;
    while (pos < n) {
      const start = pos;
      const fields: string[] = [];
      let blank = true;
      for (;;) {
        if (pos < n && buf.charCodeAt(pos) === quote) {
          blank = false;
          // Quoted field: runs to the next quote that is not doubled.
          let value = "";
          let from = pos + 1;
          let end: number;
          for (;;) {
            end = buf.indexOf(this.quoteChar, from);
            if (end < 0 || (end + 1 >= n && !final)) {
              if (final) throw new CsvSyntaxError("a quoted field is not closed before the end of the file", this.records + 1);
              return start;
            }
            if (end + 1 < n && buf.charCodeAt(end + 1) === quote) {
              value += buf.slice(from, end + 1);
              from = end + 2;
              continue;
            }
            break;
          }
          fields.push(value === "" ? buf.slice(from, end) : value + buf.slice(from, end));
          pos = end + 1;
          if (pos >= n) break; // final: end of file ends the record
          const c = buf.charCodeAt(pos);
          if (c === delimiter) {
            pos += 1;
            continue;
          }
          if (c === LF || c === CR) {
            const next = this.afterNewline(buf, pos, final);
            if (next < 0) return start;
            pos = next;
            break;
          }
          throw new CsvSyntaxError(
            `unexpected ${JSON.stringify(buf[pos])} after a closing quote (a quote inside a quoted field must be doubled)`,
            this.records + 1,
          );
        }
        // Unquoted field: runs to the next delimiter or newline.
        let end = pos;
        while (end < n) {
          const c = buf.charCodeAt(end);
          if (c === delimiter || c === LF || c === CR) break;
          end += 1;
        }
        if (end >= n && !final) return start;
        if (end > pos) blank = false;
        fields.push(buf.slice(pos, end));
        pos = end;
        if (pos >= n) break;
        const c = buf.charCodeAt(pos);
        if (c === delimiter) {
          blank = false;
          pos += 1;
          if (pos >= n && final) {
            fields.push("");
            break;
          }
          continue;
        }
        const next = this.afterNewline(buf, pos, final);
        if (next < 0) return start;
        pos = next;
        break;
      }
      if (!blank) {
        this.records += 1;
        this.onRecord(fields);
      }
    }
    return pos;
  }

  /** Position after the newline at `pos` (LF, CRLF or a lone CR); -1 if a CR ends a non-final buffer. */
  private afterNewline(buf: string, pos: number, final: boolean): number {
    if (buf.charCodeAt(pos) === LF) return pos + 1;
    if (pos + 1 < buf.length) return buf.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
    return final ? pos + 1 : -1;
  }
}
