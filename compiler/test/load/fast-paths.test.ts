// The CSV hot path reads bytes and copies the common value shapes as they are; every other value
// goes through the column's string encoder. Both paths must give the same COPY text, the same row
// hash and the same rejection, whatever the value and wherever the chunks end.
import { hash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseContract } from "../../src/load/contract";
import { csvReader } from "../../src/load/formats/csv";
import { md5Hex } from "../../src/load/md5";
import { RowEncoder, rowHash } from "../../src/load/row-encoder";

const contract = parseContract(
  `table: landing.all_types
columns:
  - {name: i, type: integer}
  - {name: b, type: bigint}
  - {name: n, type: numeric}
  - {name: f, type: boolean}
  - {name: d, type: date}
  - {name: ts, type: timestamp}
  - {name: t, type: text}
`,
  { file: "landing/all_types/contract.yaml", dir: "/p/landing/all_types" },
);

/** Row values (CSV-quoted where needed) that hit both paths of every column type. */
const ROWS = [
  ["0", "123456789012345678", "12.50", "true", "2024-02-29", "2024-01-03 10:00:00", "plain"],
  ["007", "-5", "+1.5", "false", "2024-1-3", "2024-01-03 10:00:00.25", '"a, ""quoted"" note"'],
  [" 42 ", "1234567890123456789", ".5", "TRUE", " 2024-01-03 ", " 2024-01-03 10:00:00 ", "Café 中文 ﬀ"],
  ["2147483647", "0", "1e3", "yes", "0001-01-01", "2024-12-31 23:59:59", '"tab\there\\ and ""nl\n"""'],
  ["-0", "9223372036854775807", "5.", "f", "2000-02-29", "2024-02-29 00:00:00", "~!@#$%^&*()_+{}|:<>?"],
];
const BAD = [
  ["i", "2147483648", '"2147483648" is out of range for integer'],
  ["n", "1.2.3", '"1.2.3" is not a numeric'],
  ["f", "truthy", '"truthy" is not a boolean'],
  ["d", "2023-02-29", '"2023-02-29" is not a date in format YYYY-MM-DD'],
  ["ts", "2024-01-03 24:00:00", '"2024-01-03 24:00:00" is not a timestamp'],
  ["t", "Caf\uFFFD", `"Caf\uFFFD" is not valid UTF-8 text`],
] as const;

async function viaCsv(csv: Buffer, chunk: number): Promise<string> {
  const reader = csvReader(contract, new RowEncoder(contract.columns, { label: "all.csv" }));
  let out = "";
  for (let i = 0; i < csv.length; i += chunk) out += (await reader.write(csv.subarray(i, i + chunk))).toString();
  return out + (await reader.end()).toString();
}

const header = contract.columns.map((c) => c.name).join(",");
const unquote = (v: string) => (v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v);

describe("CSV fast paths", () => {
  it("give the same COPY text and row hash as the string path, wherever the chunks end", async () => {
    const encoder = new RowEncoder(contract.columns, { label: "all.csv" });
    const positions = contract.columns.map((_, i) => i);
    const expected = ROWS.map((r, row) => encoder.encodeFields(r.map(unquote), positions, row + 1)).join("");
    expect(expected).toContain("2024-02-29\t2024-01-03 10:00:00\tplain\t");
    const csv = Buffer.from(`${header}\n${ROWS.map((r) => r.join(",")).join("\n")}\n`);
    for (const chunk of [1, 2, 3, 5, 64, csv.length]) expect(await viaCsv(csv, chunk), `chunk ${chunk}`).toBe(expected);
    const first = expected.split("\n")[0].split("\t");
    expect(first.pop()).toBe(rowHash(first.join("\t")));
  });

  it("reject a bad value with the same message as the string path", async () => {
    for (const [column, value, message] of BAD) {
      const row = contract.columns.map((c) => (c.name === column ? value : ""));
      const csv = Buffer.from(`${header}\n${ROWS[0].join(",")}\n${row.join(",")}\n`);
      await expect(viaCsv(csv, 7)).rejects.toThrow(`all.csv row 2, column "${column}": ${message}`);
    }
  });

  it("name the row and column of a byte that is not UTF-8, even when the file is valid up to there", async () => {
    const good = `${ROWS[0].join(",")}\n`.repeat(50);
    const csv = Buffer.concat([Buffer.from(`${header}\n${good}1,,,,,,Caf`), Buffer.from([0xe9]), Buffer.from("\n")]);
    await expect(viaCsv(csv, 64)).rejects.toThrow('all.csv row 51, column "t": "Caf\uFFFD" is not valid UTF-8 text');
  });
});

describe("md5Hex", () => {
  it("equals node's md5 for every length across the padding boundaries, at any offset", () => {
    const bytes = randomBytes(300);
    const out = Buffer.alloc(40);
    for (let length = 0; length <= 200; length++) {
      md5Hex(bytes, 7, 7 + length, out, 3);
      expect(out.toString("latin1", 3, 35), `length ${length}`).toBe(hash("md5", bytes.subarray(7, 7 + length)));
    }
    expect(rowHash("7\tAnn\t\\N\tCafé")).toBe(hash("md5", "7\tAnn\t\\N\tCafé"));
  });
});
