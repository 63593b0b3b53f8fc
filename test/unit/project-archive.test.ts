import fc from "fast-check";
import { gzipSync, strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ARCHIVE_LIMITS, ArchiveError, readArchive, safePath } from "../../workers/domain/projects/archive";

const manifests = (tree: { path: string }[]) =>
  tree.map((f) => f.path).filter((p) => /package\.json$|go\.mod$/.test(p));

/** A ustar archive as tar(1) writes it: 512-byte headers, octal sizes, padded bodies. */
function tar(entries: { name: string; body?: string; type?: string; linkTarget?: string }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const header = (name: string, size: number, type: string, link = "") => {
    const h = new Uint8Array(512);
    h.set(strToU8(name.slice(0, 100)), 0);
    h.set(strToU8("0000644\0"), 100);
    h.set(strToU8(`${size.toString(8).padStart(11, "0")}\0`), 124);
    h.set(strToU8("00000000000\0"), 136);
    h.set(strToU8("        "), 148);
    h[156] = type.charCodeAt(0);
    h.set(strToU8(link.slice(0, 100)), 157);
    h.set(strToU8("ustar\u000000"), 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.set(strToU8(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    return h;
  };
  for (const e of entries) {
    const body = strToU8(e.body ?? "");
    if (e.name.length > 100) {
      const record = `path=${e.name}\n`;
      const line = `${record.length + String(record.length + 3).length + 1} ${record}`;
      const pax = strToU8(line);
      blocks.push(header("PaxHeader", pax.length, "x"), pad(pax));
    }
    blocks.push(header(e.name, body.length, e.type ?? "0", e.linkTarget), pad(body));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
const pad = (b: Uint8Array) => {
  const out = new Uint8Array(Math.ceil(b.length / 512) * 512);
  out.set(b);
  return out;
};

describe("repository archives", () => {
  it("reads a GitHub zip: the top folder stripped, every path with its size, text only for what detection wants", () => {
    const zip = zipSync({
      "shop-main/package.json": strToU8('{"name":"shop"}'),
      "shop-main/src/index.ts": strToU8("console.log(1)"),
      "shop-main/services/api/go.mod": strToU8("module api\n\ngo 1.22\n"),
    });
    const files = readArchive(zip, manifests);
    expect(files).toEqual([
      { path: "package.json", size: 15, content: '{"name":"shop"}' },
      { path: "services/api/go.mod", size: 20, content: "module api\n\ngo 1.22\n" },
      { path: "src/index.ts", size: 14 },
    ]);
  });

  it("reads tar.gz with long (pax) names and skips links", () => {
    const long = `${"deep/".repeat(25)}package.json`;
    const archive = gzipSync(
      tar([
        { name: "repo/package.json", body: '{"name":"x"}' },
        { name: `repo/${long}`, body: "{}" },
        { name: "repo/link", type: "2", linkTarget: "/etc/passwd" },
      ]),
    );
    const files = readArchive(archive, manifests);
    expect(files.map((f) => f.path)).toEqual([long, "package.json"]);
    expect(files.find((f) => f.path === "package.json")?.content).toBe('{"name":"x"}');
  });

  it("refuses paths that climb out of the repository (zip slip)", () => {
    for (const name of ["../evil.sh", "a/../../evil", "/etc/passwd", "C:/win.ini", "a\\..\\b"]) {
      expect(() => safePath(name)).toThrowError(ArchiveError);
      const zip = zipSync({ [name]: strToU8("x") });
      expect(() => readArchive(zip, manifests)).toThrowError(/unsafe path/);
    }
    expect(() => readArchive(gzipSync(tar([{ name: "../../x", body: "y" }])), manifests)).toThrowError(
      /unsafe path/,
    );
  });

  it("stops a bomb by what it inflates, not by what its headers claim", () => {
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const limits = { ...ARCHIVE_LIMITS, maxTotalBytes: 1024 * 1024 };
    const zip = zipSync({ "a.txt": zeros }, { level: 9 });
    expect(zip.length).toBeLessThan(100_000);
    expect(() => readArchive(zip, manifests, limits)).toThrowError(/inflates to more than 1 MiB/);
    const tgz = gzipSync(tar([{ name: "a.txt", body: "0".repeat(2 * 1024 * 1024) }]), { level: 9 });
    expect(() => readArchive(tgz, manifests, limits)).toThrowError(/inflates to more than 1 MiB/);
  });

  it("bounds the number of entries", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, strToU8("x")]));
    expect(() => readArchive(zipSync(many), manifests, { ...ARCHIVE_LIMITS, maxEntries: 20 })).toThrowError(
      /more than 20 entries/,
    );
  });

  it("answers corrupt and unknown input with an ArchiveError, never anything else", () => {
    // text that does not compress away, so half the archive is half an entry
    const noisy = Array.from({ length: 4000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(
      "",
    );
    const zip = zipSync({ "package.json": strToU8(noisy) });
    expect(() => readArchive(zip.subarray(0, zip.length / 2), manifests)).toThrowError(ArchiveError);
    expect(() => readArchive(strToU8("hello world"), manifests)).toThrowError(/not a zip or tar.gz/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom(0, 0x50, 0x1f), (bytes, magic) => {
        const input = new Uint8Array([magic, magic === 0x50 ? 0x4b : 0x8b, 3, 4, ...bytes]);
        try {
          readArchive(input, manifests);
        } catch (error) {
          expect(error).toBeInstanceOf(ArchiveError);
        }
      }),
    );
  });

  it("keeps every safe path and size of any zip", () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(path, fc.string({ maxLength: 50 })), {
          selector: (t) => t[0],
          maxLength: 12,
        }),
        (list) => {
          // a path that is also another's folder cannot be in one archive
          const clean = list.filter(([p]) => !list.some(([q]) => q !== p && q.startsWith(`${p}/`)));
          const zip = zipSync(Object.fromEntries(clean.map(([p, body]) => [`top/${p}`, strToU8(body)])));
          const files = readArchive(zip, () => []);
          const expected = clean
            .map(([p, body]) => ({ path: p, size: strToU8(body).length }))
            .sort((a, b) => a.path.localeCompare(b.path));
          expect(files).toEqual(expected);
          expect(files).toHaveLength(clean.length);
        },
      ),
    );
  });
});
