"""The plain-Python floor for `mlpath next`: the least a process can do to print the same text.

It opens the same database with the standard library's sqlite3, asks for the one resource
`mlpath next` recommends in the benchmark's state (the one in progress; else the first core item
still to do), and prints the same lines, wrapped the same way. No Typer, no Rich, no mlpath
import. benchmarks/run.py times it beside `mlpath next`, checks that both print the same text,
and reports mlpath's commands as multiples of it. Not a second implementation of `next`: it
knows nothing of prerequisites, choose_one groups or reviews, which the benchmark's state does
not exercise.

    MLPATH_DB=path/to/mlpath.db python benchmarks/floor.py
"""

import os
import sqlite3
import sys

QUERY = """
SELECT r.id, r.title, r.kind, r.core, r.hours, r.url, r.note, s.number, r.position, e.status, e.at
FROM resource r
JOIN stage s ON s.id = r.stage_id
LEFT JOIN event e ON e.id = (SELECT MAX(id) FROM event WHERE resource_id = r.id)
WHERE r.retired = 0 AND COALESCE(e.status, 'todo') IN ('doing', 'todo')
ORDER BY COALESCE(e.status, 'todo') != 'doing', r.core = 0, s.number, r.position
LIMIT 1
"""


def fill(words: list[str], width: int, first: str, rest: str) -> list[str]:
    """Greedy word wrap; a word longer than a line stays whole on its own line."""
    lines, line = [], first
    for word in words:
        if line.strip() and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = rest + word
        else:
            line += (" " if line.strip() else "") + word
    return [*lines, line]


def main() -> None:
    width = int(os.environ.get("COLUMNS") or 80)
    conn = sqlite3.connect(f"file:{os.environ['MLPATH_DB']}?mode=ro", uri=True)
    row = conn.execute(QUERY).fetchone()
    if row is None:
        print("Everything on the roadmap is done or skipped. Well done!")
        return
    rid, title, kind, core, hours, url, note, stage, position, status, at = row
    indent = "   "
    out = fill(title.split(), width, "", indent)
    tag = f"[{rid}, {stage}.{position}{', core' if core else ''}]"
    if len(out[-1]) + 2 + len(tag) <= width:
        out[-1] += "  " + tag
    else:
        out.append(indent + tag)
    out += fill([f"{kind},", "about", f"{hours:g}", "h" + ("," if url else ""), *([url] if url else [])],
                width, indent, indent)
    why = f"in progress since {at[:10]}: finish what you started" if status == "doing" else "first core item"
    out += fill(f"why: {why}".split(), width, indent, indent)
    if status == "doing":
        logged = conn.execute("SELECT COALESCE(SUM(hours), 0) FROM study_session WHERE resource_id = ?",
                              (rid,)).fetchone()[0]
        known = [f"{logged:g} h logged"] if logged else []
        left = f"{round(max(hours - logged, 0), 1):.2f}".rstrip("0").rstrip(".")  # as vocab.amount reads it
        out += fill(", ".join([*known, f"about {left} h left"]).split(), width, indent, indent)
    if note:
        out += fill(note.split(), width, indent, indent)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
