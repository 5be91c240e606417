#!/usr/bin/env python3
"""The README's screenshots of the kg serve site: a method page and a dataset page, in headless Chromium.

usage: python docs/make_screenshots.py [STORE] [--method PATH] [--dataset PATH]

Starts `kg serve` over STORE (default outputs/store) on a free port, opens each page with the browser's
network limited to that server, and writes docs/site-method.png and docs/site-dataset.png.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.read.browser import Chromium
from kg.store.server import stop, wait_until_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", type=Path, default=Path("outputs/store"))
    parser.add_argument("--method", default="/method/eagle-3")
    parser.add_argument("--dataset", default="/dataset/imagenet")
    args = parser.parse_args()
    out = Path(__file__).resolve().parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(args.store), "--bind", f"127.0.0.1:{port}"]
    )
    try:
        wait_until_ready(base + "/query", timeout=120, process=server)
        with Chromium(width=1280, height=1000) as browser:
            for path, name in ((args.method, "site-method.png"), (args.dataset, "site-dataset.png")):
                page = browser.new_page(offline=False)
                page.goto(base + path)
                time.sleep(0.5)  # fonts and layout settle
                page.screenshot(out / name)
                elsewhere = [url for url in page.requests if not url.startswith(base)]
                print(f"wrote {out / name}; console errors: {page.errors}; requests elsewhere: {elsewhere}")
                page.close()
    finally:
        stop(server)


if __name__ == "__main__":
    main()
