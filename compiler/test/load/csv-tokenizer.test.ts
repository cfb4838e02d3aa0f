// The CSV tokenizer against csv-parse (the reference implementation) on tricky input, cut into
// chunks at every possible position: records must not depend on where a chunk ends.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, CsvTokenizer } from "../../src/load/formats/csv-tokenizer";

function tokenize(text: string, chunk: number, options = { delimiter: ",", quote: '"' }): string[][] {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(options, (r) => records.push(r.toStrings()));
  // Cut at every byte, even inside a multi-byte character.
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) tokenizer.write(bytes.subarray(i, i + chunk));
  tokenizer.end();
  return records;
}

const TRICKY = [
  'id,note,amount\n',
  '1,"a, ""quoted"" note",12.5\n',
  '2,"two\nlines",\n',
  '\n',
  '3,,""\n',
  '4,"ends with quote""",x\n',
  '5,plain text,"7"\n',
  '6,é ü 中文,8',
].join("");

describe("CsvTokenizer", () => {
  it.each([
    ["LF", TRICKY],
    ["CRLF", TRICKY.replace(/\n/g, "\r\n")],
  ])("splits %s records like csv-parse, wherever the chunks end", (_, text) => {
    const expected = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
    expect(expected).toHaveLength(7);
    for (let chunk = 1; chunk <= Buffer.byteLength(text); chunk++) {
      expect(tokenize(text, chunk), `chunk size ${chunk}`).toEqual(expected);
    }
  });

  it("handles another delimiter and quote, lone CR line ends and a trailing delimiter", () => {
    expect(tokenize("a;'x;y';\rb;'it''s';c", 3, { delimiter: ";", quote: "'" })).toEqual([
      ["a", "x;y", ""],
      ["b", "it's", "c"],
    ]);
  });

  it("reports an unclosed quote and text after a closing quote with the record number", () => {
    expect(() => tokenize('a,b\n1,"open\n2,x\n', 4)).toThrow(new CsvSyntaxError("a quoted field is not closed before the end of the file", 2));
    const error = (() => {
      try {
        tokenize('a,b\n1,2\n3,"x"y\n', 5);
      } catch (e) {
        return e as CsvSyntaxError;
      }
    })();
    expect(error?.message).toBe('unexpected "y" after a closing quote (a quote inside a quoted field must be doubled)');
    expect(error?.record).toBe(3);
  });
});
