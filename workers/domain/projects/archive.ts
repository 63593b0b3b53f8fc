import { Gunzip, Unzip, type UnzipFile, UnzipInflate } from "fflate";
import type { SnapshotFile } from "./profile";

/**
 * An uploaded repository archive (zip, or tar.gz) read into a snapshot: every file's path and
 * size, and the text of the files the caller wants. Untrusted input, so the reader counts what
 * it inflates as it goes (a zip bomb's headers lie about sizes), refuses paths that climb out
 * (zip slip: `..`, absolute paths, drive letters, backslashes), skips links and devices, and
 * stops at limits instead of running out of memory. Pure: bytes in, snapshot or error out.
 */
export interface ArchiveLimits {
  /** all files inflated, together */
  maxTotalBytes: number;
  /** one file's text kept for detection */
  maxFileBytes: number;
  maxEntries: number;
  /** the texts held at once before the wanted ones are chosen (a Worker has 128 MB) */
  maxKeptBytes: number;
}

export const ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 100 * 1024 * 1024,
  maxFileBytes: 512 * 1024,
  maxEntries: 20_000,
  maxKeptBytes: 24 * 1024 * 1024,
};

export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly kind: "unsupported" | "unsafe_path" | "too_large" | "corrupt",
  ) {
    super(message);
    this.name = "ArchiveError";
  }
}

export type ArchiveFormat = "zip" | "tar.gz" | "tar";

/** The archive's format from its first bytes (PK\x03\x04 zip, 1f 8b gzip, "ustar" at 257 tar). */
export function archiveFormat(bytes: Uint8Array): ArchiveFormat | null {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) return "zip";
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "tar.gz";
  if (new TextDecoder().decode(bytes.subarray(257, 262)) === "ustar") return "tar";
  return null;
}

/**
 * A path as the snapshot keeps it, or null for a directory; throws for a path that would land
 * outside the repository if extracted. A single top folder (GitHub's "repo-main/") is stripped
 * by the caller, once every path is known.
 */
export function safePath(raw: string): string | null {
  if (raw.includes("\\"))
    throw new ArchiveError(`unsafe path in the archive: ${raw.slice(0, 200)}`, "unsafe_path");
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw) || raw.includes("\0"))
    throw new ArchiveError(`unsafe path in the archive: ${raw.slice(0, 200)}`, "unsafe_path");
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === ".."))
    throw new ArchiveError(`unsafe path in the archive: ${raw.slice(0, 200)}`, "unsafe_path");
  if (raw.endsWith("/") || parts.length === 0) return null;
  return parts.join("/");
}

interface Entry {
  path: string;
  size: number;
  content?: Uint8Array;
}

class Budget {
  total = 0;
  entries = 0;
  kept = 0;
  /** whether a file of `size` bytes may be held; past the limit, files are listed without text */
  keep(size: number): boolean {
    if (size > this.limits.maxFileBytes || this.kept + size > this.limits.maxKeptBytes) return false;
    this.kept += size;
    return true;
  }
  constructor(private readonly limits: ArchiveLimits) {}
  entry() {
    this.entries++;
    if (this.entries > this.limits.maxEntries)
      throw new ArchiveError(`the archive has more than ${this.limits.maxEntries} entries`, "too_large");
  }
  spend(bytes: number) {
    this.total += bytes;
    if (this.total > this.limits.maxTotalBytes)
      throw new ArchiveError(
        `the archive inflates to more than ${Math.round(this.limits.maxTotalBytes / 1024 / 1024)} MiB`,
        "too_large",
      );
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function readZip(
  bytes: Uint8Array,
  wanted: (path: string) => boolean,
  limits: ArchiveLimits,
  budget: Budget,
) {
  const entries: Entry[] = [];
  let failure: unknown = null;
  let started = 0;
  const unzip = new Unzip((file: UnzipFile) => {
    if (failure) return;
    try {
      budget.entry();
      const path = safePath(file.name);
      if (path === null) return;
      const keep = wanted(path);
      const chunks: Uint8Array[] = [];
      let size = 0;
      file.ondata = (error, chunk, final) => {
        if (failure) return;
        try {
          if (error) throw new ArchiveError(`a corrupt entry in the zip: ${error.message}`, "corrupt");
          size += chunk.length;
          budget.spend(chunk.length);
          if (keep && size <= limits.maxFileBytes) chunks.push(chunk);
          if (final) {
            const held = keep && budget.keep(size);
            entries.push({ path, size, ...(held ? { content: concat(chunks, size) } : {}) });
          }
        } catch (e) {
          failure = e;
          file.terminate();
        }
      };
      started++;
      file.start();
    } catch (e) {
      failure = e;
    }
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(bytes, true);
  } catch (e) {
    if (!failure)
      failure = new ArchiveError(`not a readable zip: ${e instanceof Error ? e.message : e}`, "corrupt");
  }
  if (failure) throw failure;
  // a cut-off zip ends in the middle of an entry, which then never finishes
  if (entries.length < started) throw new ArchiveError("the zip archive is truncated", "corrupt");
  return entries;
}

function gunzip(bytes: Uint8Array, budget: Budget): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let failure: unknown = null;
  const stream = new Gunzip((chunk) => {
    if (failure) return;
    try {
      budget.spend(chunk.length);
      chunks.push(chunk);
      length += chunk.length;
    } catch (e) {
      failure = e;
    }
  });
  try {
    // in slices, so a bomb is stopped after a slice's worth of output, not after all of it
    for (let at = 0; at < bytes.length && !failure; at += 64 * 1024)
      stream.push(bytes.subarray(at, at + 64 * 1024), at + 64 * 1024 >= bytes.length);
  } catch (e) {
    if (!failure)
      failure = new ArchiveError(`not a readable gzip: ${e instanceof Error ? e.message : e}`, "corrupt");
  }
  if (failure) throw failure;
  return concat(chunks, length);
}

const text = new TextDecoder();
const field = (b: Uint8Array, at: number, len: number) =>
  text.decode(b.subarray(at, at + len)).replace(/\0.*$/s, "");
const octal = (b: Uint8Array, at: number, len: number) => Number.parseInt(field(b, at, len).trim() || "0", 8);

/** POSIX ustar with GNU long names ('L') and pax headers ('x' path=): what git archive and tar write. */
function readTar(
  bytes: Uint8Array,
  wanted: (path: string) => boolean,
  limits: ArchiveLimits,
  budget: Budget,
) {
  const entries: Entry[] = [];
  let at = 0;
  let longName: string | null = null;
  while (at + 512 <= bytes.length) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new ArchiveError("a corrupt tar header", "corrupt");
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const body = bytes.subarray(at + 512, at + 512 + size);
    if (body.length < size) throw new ArchiveError("the tar archive is truncated", "corrupt");
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = field(body, 0, body.length);
      continue;
    }
    if (type === "x") {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text.decode(body))?.[1];
      longName = path ?? null;
      continue;
    }
    longName = null;
    if (type === "g") continue;
    budget.entry();
    // regular files only: links and devices are not part of a repository's source
    if (type !== "0" && type !== "\0" && type !== "7") continue;
    const path = safePath(name);
    if (path === null) continue;
    budget.spend(size);
    const keep = wanted(path) && budget.keep(size);
    entries.push({ path, size, ...(keep ? { content: body.slice() } : {}) });
  }
  return entries;
}

const SKIPPED_DIR = /(^|\/)(node_modules|\.git|vendor|dist|build|target|\.next|__pycache__)\//;
const BINARY =
  /\.(png|jpe?g|gif|webp|ico|svg|pdf|zip|gz|tgz|jar|war|class|so|dylib|dll|exe|woff2?|ttf|eot|mp[34]|mov|wasm|bin|lockb)$/i;

/** GitHub's and git archive's single top folder ("shop-main/…") is not part of the repository's paths. */
function stripTopFolder(entries: Entry[]): Entry[] {
  const first = entries[0]?.path.split("/")[0];
  if (!first) return entries;
  const prefix = `${first}/`;
  if (!entries.every((e) => e.path.startsWith(prefix))) return entries;
  return entries.map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
}

/**
 * The snapshot of an archive. `wanted` says which files' text detection needs (manifestPaths);
 * it sees paths with the top folder already removed.
 */
export function readArchive(
  bytes: Uint8Array,
  wanted: (tree: { path: string; size: number }[]) => string[],
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): SnapshotFile[] {
  const format = archiveFormat(bytes);
  if (!format) throw new ArchiveError("not a zip or tar.gz archive", "unsupported");
  const budget = new Budget(limits);
  // texts are held while reading (capped), then only the wanted ones are kept: not the ones
  // no detection ever reads (vendored trees, build output, binaries)
  const all = (path: string) => !SKIPPED_DIR.test(path) && !BINARY.test(path);
  const entries =
    format === "zip"
      ? readZip(bytes, all, limits, budget)
      : readTar(format === "tar" ? bytes : gunzip(bytes, budget), all, limits, budget);
  const files = stripTopFolder(entries);
  const keep = new Set(wanted(files.map((f) => ({ path: f.path, size: f.size }))));
  const decoder = new TextDecoder("utf-8", { fatal: false });
  return files
    .map((f) => ({
      path: f.path,
      size: f.size,
      ...(keep.has(f.path) && f.content ? { content: decoder.decode(f.content) } : {}),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
