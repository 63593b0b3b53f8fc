import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The NAB data, read in place from ../shared/nab (or NAB_DIR). */
export const NAB_DIR = process.env.NAB_DIR ?? resolve(import.meta.dirname, "../../../../shared/nab");

export interface Row {
  timestamp: number;
  value: number;
}

/** NAB timestamps ("2014-04-10 07:15:00[.000000]") are UTC. */
export function parseNabTime(text: string): number {
  const [date, time = "00:00:00"] = text.trim().split(/[ T]/);
  return Date.parse(`${date}T${time.slice(0, 12).replace(/\.(\d{3})\d*$/, ".$1")}Z`);
}

/** Rows of a NAB-style CSV (`timestamp,value` with a header), in file order. */
export function parseCsv(text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    const [ts, value] = line.split(",");
    rows.push({ timestamp: parseNabTime(ts ?? ""), value: Number(value) });
  }
  return rows;
}

export interface NabSeries {
  name: string;
  rows: Row[];
  windows: [number, number][];
}

/** Every series with its labelled windows. Labels are read here for scoring only, never by the detector. */
export function loadCorpus(dir = NAB_DIR): NabSeries[] {
  const windows = JSON.parse(readFileSync(join(dir, "labels/combined_windows.json"), "utf8")) as Record<
    string,
    [string, string][]
  >;
  const series: NabSeries[] = [];
  for (const category of readdirSync(join(dir, "data")).sort()) {
    for (const file of readdirSync(join(dir, "data", category)).sort()) {
      if (!file.endsWith(".csv")) continue;
      const name = `${category}/${file}`;
      series.push({
        name,
        rows: parseCsv(readFileSync(join(dir, "data", name), "utf8")),
        windows: (windows[name] ?? []).map(([from, to]) => [parseNabTime(from), parseNabTime(to)]),
      });
    }
  }
  return series;
}
