#!/usr/bin/env python3
"""Summarises JMH JSON results of SpawnT*/CReferenceT* runs into a Markdown table and an SVG chart.

    spawn-bench/jmh-report.py --title "JDK 17" --svg docs/perf/jmh-jdk17.svg pass1.json pass2.json ...

Each file is one `java -jar spawn-bench.jar jmh ... -rf json -rff FILE` run (a "pass"); run the
passes interleaved (JDK 17, JDK 25, JDK 17, ...) so each JDK sees the machine's load at several
moments. A cell's figure is the median of the passes' scores; its spread is the min-max of every
measured iteration over all passes. Ratios are of the medians, with the range of the same ratio
taken pass by pass. No dependency beyond Python 3.
"""
import argparse
import json
import statistics
import sys
from collections import defaultdict

BACKENDS = ["processbuilder", "userspace", "c"]
COLORS = {"processbuilder": "#8c8c8c", "userspace": "#2b7bba", "c": "#31a354"}


def load(files):
    """{(method, threads): {backend: [(pass, score, [iteration scores])]}}"""
    cells = defaultdict(lambda: defaultdict(list))
    for n, name in enumerate(files):
        with open(name) as f:
            for run in json.load(f):
                cls, method = run["benchmark"].rsplit(".", 1)
                backend = "c" if "CReference" in cls else run.get("params", {}).get("backend")
                raw = [x for fork in run["primaryMetric"]["rawData"] for x in fork]
                cells[(method, run["threads"])][backend].append((n, run["primaryMetric"]["score"], raw))
    return cells


def spread(values):
    return statistics.median(values), min(values), max(values)


def ratio(cell, top, bottom):
    if top not in cell or bottom not in cell:
        return None
    mid = statistics.median(s for _, s, _ in cell[top]) / statistics.median(s for _, s, _ in cell[bottom])
    per_pass = [a / b for (pa, a, _) in cell[top] for (pb, b, _) in cell[bottom] if pa == pb]
    return mid, min(per_pass + [mid]), max(per_pass + [mid])


def fmt_ratio(r):
    if r is None:
        return "-"
    return "%.2f [%.2f-%.2f]" % r


def table(cells, passes):
    out = ["| benchmark | threads | processbuilder ops/s | userspace ops/s | C reference ops/s "
           "| userspace / C | userspace / processbuilder |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for (method, threads) in sorted(cells, key=lambda k: (k[0] != "spawnTrue", k[1])):
        cell = cells[(method, threads)]
        row = ["`%s`" % method, str(threads)]
        for backend in BACKENDS:
            if backend not in cell:
                row.append("-")
                continue
            med = statistics.median(s for _, s, _ in cell[backend])
            raw = [x for _, _, r in cell[backend] for x in r]
            row.append("%.0f [%.0f-%.0f]" % (med, min(raw), max(raw)))
        row.append(fmt_ratio(ratio(cell, "userspace", "c")))
        row.append(fmt_ratio(ratio(cell, "userspace", "processbuilder")))
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    out.append("ops/s: median of %d pass(es) [min-max of every measured iteration]; ratios: of the medians "
               "[range of the per-pass ratios]." % passes)
    return "\n".join(out)


def svg(cells, title):
    keys = sorted(cells, key=lambda k: (k[0] != "spawnTrue", k[1]))
    width, height, left, right, top, bottom = 760, 400, 70, 20, 56, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    hi = max(x for c in cells.values() for b in c.values() for _, _, r in b for x in r)
    scale = next(s * 10 ** len(str(int(hi))) / 10 for s in [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]
                 if s * 10 ** len(str(int(hi))) / 10 >= hi * 1.12)
    group = plot_w / len(keys)
    bar = group * 0.8 / len(BACKENDS)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="sans-serif" font-size="12">' % (width, height, width, height),
             '<rect width="%d" height="%d" fill="white"/>' % (width, height),
             '<text x="%d" y="22" text-anchor="middle" font-size="15">%s</text>' % (width / 2, esc(title)),
             '<text x="%d" y="38" text-anchor="middle" font-size="10">spawns+waits per second (JMH, higher is '
             'better): median of the passes, whiskers min-max of all iterations</text>' % (width / 2),
             '<text x="%d" y="50" text-anchor="middle" font-size="10">under each value: its ratio to the C '
             'reference (the shim\'s spawn in a C loop, no JVM)</text>' % (width / 2)]
    for t in range(6):
        y = top + plot_h - plot_h * t / 5
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, y, width - right, y))
        parts.append('<text x="%d" y="%.1f" text-anchor="end" font-size="11">%.0f</text>' % (left - 6, y + 4,
                                                                                             scale * t / 5))
    for g, key in enumerate(keys):
        cell = cells[key]
        for b, backend in enumerate(BACKENDS):
            if backend not in cell:
                continue
            med = statistics.median(s for _, s, _ in cell[backend])
            raw = [x for _, _, r in cell[backend] for x in r]
            x = left + g * group + group * 0.1 + b * bar
            h = plot_h * med / scale
            y = top + plot_h - h
            mid = x + (bar - 2) / 2
            ylo, yhi = top + plot_h - plot_h * min(raw) / scale, top + plot_h - plot_h * max(raw) / scale
            parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %d threads %s: '
                         '%.0f ops/s</title></rect>' % (x, y, bar - 2, h, COLORS[backend], key[0], key[1],
                                                        backend, med))
            parts.append('<path d="M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f" stroke="black" fill="none"/>'
                         % (mid, ylo, yhi, mid - 4, ylo, mid + 4, mid - 4, yhi, mid + 4))
            r = ratio(cell, backend, "c")
            label = "C" if backend == "c" else ("%.2f" % r[0] if r else "")
            ytext = min(y, yhi)
            parts.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10">%.0f</text>'
                         % (mid, ytext - 16, med))
            parts.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9">%s</text>'
                         % (mid, ytext - 5, label))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="12">%s, %d thread%s</text>'
                     % (left + (g + 0.5) * group, top + plot_h + 18, key[0], key[1], "" if key[1] == 1 else "s"))
    parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top + plot_h, width - right,
                                                                            top + plot_h))
    for i, backend in enumerate(BACKENDS):
        x = left + i * 150
        parts.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (x, height - 26, COLORS[backend]))
        parts.append('<text x="%d" y="%d" font-size="12">%s</text>' % (x + 18, height - 16,
                                                                       "C reference" if backend == "c" else backend))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--title", required=True)
    parser.add_argument("--svg")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    cells = load(args.files)
    if not cells:
        sys.exit("no results in " + " ".join(args.files))
    print(table(cells, len(args.files)))
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(svg(cells, args.title))


if __name__ == "__main__":
    main()
