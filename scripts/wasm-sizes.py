#!/usr/bin/env python3
"""Bytes each page downloads, gzipped (-9), after `cargo leptos build --release --split`.

Every page loads vtn.wasm, vtn.js and the split loader; a lazy page also loads
its own module and the chunks the split manifest lists for it. Issue 7 wants
each page, opened directly, at most 500 KiB (512,000 bytes).

Usage: scripts/wasm-sizes.py [site pkg dir, default target/site/pkg] [name[+name]...]
A name picks the manifest entries containing it; `+` adds up several (a page
and a piece it fetches later).
"""
import gzip
import json
import os
import sys

LIMIT = 512_000


def main():
    pkg = sys.argv[1] if len(sys.argv) > 1 else "target/site/pkg"
    wanted = sys.argv[2:]

    def gz(name):
        with open(os.path.join(pkg, name), "rb") as f:
            return len(gzip.compress(f.read(), 9))

    with open(os.path.join(pkg, "__wasm_split_manifest.json")) as f:
        manifest = json.load(f)
    loader = next(f for f in os.listdir(pkg) if f.startswith("__wasm_split") and f.endswith(".js"))
    base = {"vtn.wasm": gz("vtn.wasm"), "vtn.js": gz("vtn.js"), loader: gz(loader)}
    total_base = sum(base.values())
    print("  ".join(f"{k} {v:,}" for k, v in base.items()) + f"  = {total_base:,} (overview, login)")
    failed = False
    for key in wanted or sorted(manifest):
        chunks = set()
        for part in key.split("+"):
            for entry in manifest:
                if part in entry:
                    chunks |= set(manifest[entry])
        total = total_base + sum(gz(c + ".wasm") for c in chunks)
        over = total > LIMIT
        failed |= over
        print(f"{key:45} {len(chunks):3} files  {total:9,}  {'OVER' if over else 'ok'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
