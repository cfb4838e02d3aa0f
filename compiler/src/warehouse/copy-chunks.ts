// Splits a COPY input stream into chunks of whole records, so an engine that takes COPY input as
// one in-memory blob (PGlite's /dev/blob) can load a large file one bounded chunk at a time.
// CSV records may contain newlines inside quoted fields, so for CSV a record ends only at a newline
// outside quotes (doubled quotes inside a field keep the count even). Text format escapes
// newlines as \n, so every newline ends a record there.

export interface CopyFormat {
  csv: boolean;
  /** The first record is a header: it is repeated at the start of every chunk. */
  header: boolean;
}

/** Reads the format options of a `COPY … FROM STDIN` statement (default quote character only). */
export function copyFormatOf(copySql: string): CopyFormat {
  const options = copySql.replace(/^[\s\S]*?\bfrom\s+stdin\b/i, "");
  if (/\bformat\s*'?binary'?|\bbinary\b/i.test(options)) {
    throw new Error("COPY in binary format cannot be split into chunks; use text or csv");
  }
  const csv = /\bformat\s*'?csv'?|\bcsv\b/i.test(options);
  const header = /\bheader\b(?!\s*'?(false|off|0)\b)/i.test(options);
  return { csv, header };
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

export async function* chunkCopyData(
  data: AsyncIterable<string | Uint8Array>,
  format: CopyFormat,
  chunkBytes: number,
): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let total = 0;
  /** Offset (within the pending bytes) just after the last complete record. */
  let boundary = 0;
  let inQuotes = false;
  let header: Buffer | undefined;
  let needHeader = format.header;
  let first = true;
  // The first chunk carries the file's own header; later ones get a copy of it.
  const next = (chunk: Buffer): Buffer => {
    const out = first || !header ? chunk : Buffer.concat([header, chunk]);
    first = false;
    return out;
  };

  for await (const piece of data) {
    const part = typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (format.csv) {
      for (let i = 0; i < part.length; i++) {
        const byte = part[i];
        if (byte === QUOTE) inQuotes = !inQuotes;
        else if (byte === NEWLINE && !inQuotes) boundary = total + i + 1;
      }
    } else {
      const last = part.lastIndexOf(NEWLINE);
      if (last >= 0) boundary = total + last + 1;
    }
    parts.push(part);
    total += part.length;

    if (needHeader && boundary > 0) {
      const all = Buffer.concat(parts);
      header = Buffer.from(all.subarray(0, firstRecordEnd(all, format.csv)));
      parts = [all];
      needHeader = false;
    }
    if (total >= chunkBytes && boundary > 0 && !needHeader) {
      const all = Buffer.concat(parts);
      const chunk = all.subarray(0, boundary);
      const rest = all.subarray(boundary);
      yield next(chunk);
      parts = rest.length ? [Buffer.from(rest)] : [];
      total = rest.length;
      boundary = 0;
    }
  }
  if (total > 0) {
    yield next(Buffer.concat(parts));
  }
}

function firstRecordEnd(all: Buffer, csv: boolean): number {
  let inQuotes = false;
  for (let i = 0; i < all.length; i++) {
    if (csv && all[i] === QUOTE) inQuotes = !inQuotes;
    else if (all[i] === NEWLINE && !inQuotes) return i + 1;
  }
  return all.length;
}
