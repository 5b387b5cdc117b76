#!/usr/bin/env python3
"""Generates the soak folder of scripts/soak.sh: COUNT damaged copies of corpus-shaped files.

    scripts/soak-gen.py OUT_DIR MANIFEST COUNT SOURCE_DIR...

Every regular file under the SOURCE_DIRs (the shared corpus, the fixture inputs) is a model.
Each copy gets one damage: none (a healthy copy, whole), truncation, byte flips, garbage lines
inserted, lines deleted, lines duplicated, CR/LF mixed, a range zeroed, a range duplicated, a
UTF-16 code unit cut in half, a wrong extension; plus zero-length files, zips of damaged copies
(nested, and cut or flipped zips) and two single lines of 100 MB (ASCII and UTF-16LE). Damaged
copies keep at most the first 128 KiB of their model so the folder stays under a gigabyte.
Writes MANIFEST (name, damage, model; outside OUT_DIR so it is not analysed); writes nothing
else outside OUT_DIR.
Deterministic (fixed seed).
"""

import io
import os
import random
import sys
import zipfile

HEAD = 128 << 10
BIG_LINE = 100 << 20

GARBAGE = [
    b"\x00\x01\x02\xff\xfe garbage \x1b[31m\r\n",
    b"MSI (s) (A0:C8) [08:00:01:123]: Note: 1: 2203 2: C:\\x.ipi 3: -2147287035\r\n",
    b"=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n",
    b'"9:00:01.1234567 AM","msiexec.exe","42","CreateFile","C:\\W\\a.msi","ACCESS DENIED","a\r\nb",\r\n',
    b'"unterminated,\r\n',
    b"\r\r\n\n",
]

DAMAGES = [
    "truncate",
    "flip",
    "garbage-lines",
    "delete-lines",
    "duplicate-lines",
    "crlf-mix",
    "zero-range",
    "duplicate-range",
    "utf16-cut",
    "renamed",
    "healthy",
    "zero-length",
    "zip",
    "zip-nested",
    "zip-damaged",
]
# Relative weights of the damages above (healthy copies are ~6%, zips ~10%).
WEIGHTS = [10, 10, 8, 8, 5, 8, 6, 6, 6, 8, 6, 3, 5, 3, 2]
EXTENSIONS = [".log", ".txt", ".LOG", ".evtx", ".csv", ".CSV", ".pml", ".PML", ".zip", ".bin", ""]


def lines(b):
    return b.splitlines(keepends=True) or [b]


def damage(kind, data, rng):
    if kind == "truncate":
        return data[: rng.randrange(len(data) + 1)]
    if kind == "flip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 16)):
            if b:
                b[rng.randrange(len(b))] ^= rng.randint(1, 255)
        return bytes(b)
    if kind == "garbage-lines":
        ls = lines(data)
        for _ in range(rng.randint(1, 8)):
            ls.insert(rng.randrange(len(ls) + 1), rng.choice(GARBAGE))
        return b"".join(ls)
    if kind == "delete-lines":
        ls = lines(data)
        for _ in range(rng.randint(1, 20)):
            if ls:
                del ls[rng.randrange(len(ls))]
        return b"".join(ls)
    if kind == "duplicate-lines":
        ls = lines(data)
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(ls))
            ls.insert(i, ls[i])
        return b"".join(ls)
    if kind == "crlf-mix":
        ls = lines(data)
        out = []
        for line in ls:
            body = line.rstrip(b"\r\n")
            out.append(body + rng.choice([b"\r\n", b"\n", b"\r", b"\n\r"]) if line != body else line)
        return b"".join(out)
    if kind == "zero-range":
        if not data:
            return data
        at = rng.randrange(len(data))
        n = rng.randint(1, 70000)
        return data[:at] + b"\x00" * min(n, len(data) - at) + data[at + n :]
    if kind == "duplicate-range":
        if not data:
            return data
        at = rng.randrange(len(data))
        piece = data[at : at + rng.randint(1, 70000)]
        to = rng.randrange(len(data) + 1)
        return data[:to] + piece + data[to:]
    if kind == "utf16-cut":
        # An odd length: the last UTF-16 code unit (or any 2-byte unit) is cut in half.
        n = rng.randrange(len(data) + 1) | 1
        return data[: min(n, len(data))]
    return data


def main():
    out, manifest_path, count, sources = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    rng = random.Random(18)
    models = []
    for src in sources:
        for root, _, files in os.walk(src):
            for f in sorted(files):
                p = os.path.join(root, f)
                if f in ("MANIFEST.tsv", "SHA256SUMS", "README.md", "expected.json") or os.path.islink(p):
                    continue
                models.append(p)
    models.sort()
    os.makedirs(out, exist_ok=True)
    manifest = open(manifest_path, "w")
    manifest.write("name\tdamage\tmodel\n")

    def read(p, whole=False):
        with open(p, "rb") as f:
            return f.read() if whole else f.read(HEAD)

    def ext(p):
        e = os.path.splitext(p)[1]
        return e if len(e) <= 6 else ".bin"

    written = 0
    for i in range(count - 2):
        kind = rng.choices(DAMAGES, WEIGHTS)[0]
        model = rng.choice(models)
        sub = os.path.join(out, f"d{i // 500:02d}")
        os.makedirs(sub, exist_ok=True)
        stem = f"{i:05d}-{kind}"
        if kind == "healthy":
            # Whole copies of models up to 4 MiB (the healthy ones are compared with runs alone).
            small = [m for m in models if os.path.getsize(m) <= 4 << 20]
            model = rng.choice(small)
            name, data = stem + ext(model), read(model, whole=True)
        elif kind == "renamed":
            name, data = stem + rng.choice(EXTENSIONS), read(model)
        elif kind == "zero-length":
            name, data = stem + ext(model), b""
        elif kind.startswith("zip"):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for j in range(rng.randint(1, 4)):
                    m = rng.choice(models)
                    d = rng.choice(DAMAGES[:9])
                    z.writestr(f"in{j}-{d}{ext(m)}", damage(d, read(m)[: 64 << 10], rng))
                if kind == "zip-nested":
                    inner = io.BytesIO()
                    with zipfile.ZipFile(inner, "w") as zi:
                        zi.writestr("deep.log", read(rng.choice(models))[: 16 << 10])
                    z.writestr("inner.zip", inner.getvalue())
            data = buf.getvalue()
            if kind == "zip-damaged":
                data = damage(rng.choice(["truncate", "flip", "zero-range"]), data, rng)
            name = stem + ".zip"
        else:
            name, data = stem + ext(model), damage(kind, read(model), rng)
        with open(os.path.join(sub, name), "wb") as f:
            f.write(data)
        manifest.write(f"{os.path.basename(sub)}/{name}\t{kind}\t{model}\n")
        written += 1
    # The two 100 MB single lines, inside an MSI log (its banner first, so the content is
    # recognised and the reader meets the line), in UTF-8 and in UTF-16LE.
    big = os.path.join(out, "big")
    os.makedirs(big, exist_ok=True)
    head = (
        "=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  "
        "Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n"
        "MSI (c) (1C:2C) [08:31:55:100]: Resetting cached policy values\r\n"
        "MSI (c) (1C:2C) [08:31:55:101]: Property(C): Big = "
    )
    tail = "\r\nAction ended 8:32:13: INSTALL. Return value 3.\r\n=== Verbose logging stopped: 3/14/2025  8:32:13 ===\r\n"
    for name, codec, bom in (("line-100mb.log", "utf-8", b""), ("line-100mb-utf16.log", "utf-16-le", b"\xff\xfe")):
        block = ("x" * (1 << 20)).encode(codec)
        with open(os.path.join(big, name), "wb") as f:
            f.write(bom + head.encode(codec))
            left = BIG_LINE
            while left > 0:
                f.write(block[:left])
                left -= len(block)
            f.write(tail.encode(codec))
        manifest.write(f"big/{name}\t{name[:-4]}\t-\n")
    manifest.close()
    print(f"soak-gen.py: {written + 2} files from {len(models)} models in {out}")


if __name__ == "__main__":
    main()
