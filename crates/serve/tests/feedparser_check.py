"""Second, independent reading of khronika's feeds: Python's feedparser (Debian package
python3-feedparser), driven by tests/feedparser.rs.

Usage: feedparser_check.py MANIFEST.json
MANIFEST is a list of {"name", "path", "content_type"}: each file holds one feed body as the
server sent it, and content_type its Content-Type header (given to feedparser so that a
charset disagreeing with the XML declaration shows up as bozo).

Prints one JSON object: {"feedparser": version, "feeds": {name: report}}, where a report has
the bozo flag and exception text, the detected version, feed title/link and, per entry,
title, link, id, summary, category terms and the published/updated times both as written and
as seconds since the epoch (feedparser's own date parsing, so the Rust side can compare).
Exit status 3 when feedparser cannot be imported, 2 on a bad manifest.
"""

import calendar
import json
import sys

try:
    import feedparser
except ImportError as e:  # the Rust test probes for this first; keep the reason readable
    print(f"feedparser not importable: {e}", file=sys.stderr)
    sys.exit(3)


def epoch(parsed):
    # feedparser normalises every date it understands to a UTC struct_time.
    return None if parsed is None else calendar.timegm(parsed)


def report(body, content_type):
    d = feedparser.parse(body, response_headers={"content-type": content_type})
    feed = d.get("feed", {})
    entries = []
    for e in d.get("entries", []):
        entries.append(
            {
                "title": e.get("title"),
                "link": e.get("link"),
                "id": e.get("id"),
                "summary": e.get("summary"),
                "categories": [t.get("term") for t in e.get("tags", [])],
                "published": e.get("published"),
                "published_epoch": epoch(e.get("published_parsed")),
                "updated_epoch": epoch(e.get("updated_parsed")),
            }
        )
    exc = d.get("bozo_exception")
    return {
        "bozo": bool(d.get("bozo")),
        "bozo_exception": None if exc is None else f"{type(exc).__name__}: {exc}",
        "version": d.get("version"),
        "encoding": d.get("encoding"),
        "title": feed.get("title"),
        "link": feed.get("link"),
        "language": feed.get("language"),
        "entries": entries,
    }


def main():
    if len(sys.argv) != 2:
        print("usage: feedparser_check.py MANIFEST.json", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"bad manifest: {e}", file=sys.stderr)
        return 2
    feeds = {}
    for item in manifest:
        with open(item["path"], "rb") as f:
            body = f.read()
        feeds[item["name"]] = report(body, item["content_type"])
    out = {"feedparser": feedparser.__version__, "feeds": feeds}
    json.dump(out, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
