// The shape every landing-file format (CSV, JSON array, NDJSON) implements: bytes in, COPY text
// (UTF-8 bytes) out.
import type { LandingContract } from "../contract";
import type { RowEncoder } from "../row-encoder";

export interface FormatReader {
  /**
   * Parses the next chunk of the file and returns the COPY lines of the rows it completed.
   * Throws ContractViolation on the first row, header or syntax error.
   */
  write(chunk: Buffer): Promise<Buffer> | Buffer;
  /** The file ended: returns the last rows, or throws if the file was cut short. */
  end(): Promise<Buffer> | Buffer;
  /** Data rows read so far. */
  readonly rows: number;
}

export type FormatReaderFactory = (contract: LandingContract, encoder: RowEncoder) => FormatReader;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Bytes of a UTF-8 byte-order mark at the start of `chunk` (Excel writes one). */
export function bomLength(chunk: Buffer): number {
  return chunk.length >= 3 && chunk[0] === UTF8_BOM[0] && chunk[1] === UTF8_BOM[1] && chunk[2] === UTF8_BOM[2] ? 3 : 0;
}
