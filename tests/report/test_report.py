#!/usr/bin/python3
"""`giotmau report` end to end, rendered in headless Chromium (ctest: report_renders).

    /usr/bin/python3 tests/report/test_report.py GIOTMAU SCENARIOS_DIR WORKDIR

Runs a small comparison of the national scenario (vietnam-2025 and the
pre-Tết push, 2 replications, 75 days) with -o, makes the report from the files
it wrote, then opens the page in Debian's headless Chromium with a fresh
profile and fails if
  - the page logs a JavaScript error (Chromium's console log),
  - any chart is missing or empty (the DOM after the scripts ran: every chart
    must hold a drawn plotly plot with at least one trace),
  - the page requests anything but itself from the network (Chromium's net log),
  - the report command accepts a missing input, a non-HDF5 input or an
    existing output without --force (each must exit 2 and leave the output alone).
Keeps WORKDIR/report.png (a screenshot) and WORKDIR/report.html as artefacts.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--disable-default-apps", "--disable-extensions", "--mute-audio"]


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("report test: Debian's chromium is not installed (scripts/setup.sh installs it)")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def browse(page: pathlib.Path, work: pathlib.Path, extra: list[str]):
    """One headless Chromium run with a fresh profile; returns (stdout, stderr, net log events)."""
    with tempfile.TemporaryDirectory(dir=work) as profile:
        net_log = work / "netlog.json"
        net_log.unlink(missing_ok=True)
        cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
               f"--log-net-log={net_log}", "--net-log-capture-mode=Default", "--virtual-time-budget=20000",
               *extra, page.resolve().as_uri()]
        p = run(cmd, timeout=240)
        text = net_log.read_text(errors="replace") if net_log.exists() else ""
    # Chromium may stop without closing the JSON list: read the events' params
    # as text. Requests the browser makes for itself (update checks, the clock,
    # accounts; flags cannot stop them all) carry initiator "not an origin";
    # anything the page (or a script in it) asks for carries the page's origin.
    urls = set()
    for line in text.splitlines():  # one event per line
        line = line.strip().rstrip(",")
        if not line.startswith('{"params"'):
            continue
        try:
            params = json.loads(line).get("params", {})
        except json.JSONDecodeError:
            continue  # the last line of a log cut short
        if isinstance(params, dict) and "url" in params and params.get("initiator", "not an origin") != "not an origin":
            urls.add(params["url"])
    return p.stdout, p.stderr, urls


def check_network(urls: set[str], page: pathlib.Path):
    allowed = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-error:")
    outside = sorted(u for u in urls if not u.startswith(allowed))
    if outside:
        raise AssertionError(f"the page requested from the network: {outside}")


def check_console(stderr: str):
    errors = [line for line in stderr.splitlines()
              if "CONSOLE" in line and ("Uncaught" in line or "Error" in line or ":ERROR:" in line)]
    if errors:
        raise AssertionError("JavaScript errors:\n" + "\n".join(errors))


def check_charts(dom: str, expected: int):
    charts = dom.split('<div class="chart">')[1:]
    if len(charts) < expected:
        raise AssertionError(f"{len(charts)} charts in the page, expected at least {expected}")
    for i, chart in enumerate(charts):
        if "js-plotly-plot" not in chart or "main-svg" not in chart:
            raise AssertionError(f"chart {i} was not drawn: {chart[:300]}")
        if not re.search(r'class="(trace [a-z]+|hm)"|class="hm"|class="trace', chart):
            raise AssertionError(f"chart {i} has no data drawn: {chart[:300]}")


def check_refusals(giotmau: str, files: list[str], work: pathlib.Path):
    existing = work / "exists.html"
    existing.write_text("keep")
    not_hdf5 = work / "not.h5"
    not_hdf5.write_text("plain text")
    for args, why in (([*files, "-o", str(existing)], "an existing output"),
                      ([str(work / "missing.h5"), "-o", str(work / "x.html")], "a missing input"),
                      ([str(not_hdf5), "-o", str(work / "x.html")], "a non-HDF5 input"),
                      ([*files, "-o", str(work / "no-such-dir" / "x.html")], "a missing directory")):
        p = run([giotmau, "report", *args])
        if p.returncode != 2:
            raise AssertionError(f"report with {why}: exit {p.returncode}, expected 2\n{p.stderr}")
    if existing.read_text() != "keep" or (work / "x.html").exists():
        raise AssertionError("a refused report touched its output")


def main():
    giotmau, scenarios, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    p = run([giotmau, "compare", str(scenarios / "vietnam-2025.toml"), str(scenarios / "strategies" / "pre-tet-push.toml"),
             "-n", "2", "--days", "75", "--threads", "2", "-o", str(work / "cmp.h5"), "--format", "json"])
    if p.returncode != 0:
        raise AssertionError(f"compare failed ({p.returncode}):\n{p.stderr}")
    doc = json.loads(p.stdout)
    files = [s["results_file"] for s in doc["scenarios"]] + [doc["comparison_file"]]
    page = work / "report.html"
    for lang, out in (("en", work / "report-en.html"), ("vi", page)):
        p = run([giotmau, "report", *files, "-o", str(out), "--lang", lang])
        if p.returncode != 0:
            raise AssertionError(f"report --lang {lang} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    html = page.read_text(encoding="utf-8")
    if re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html):
        raise AssertionError("the page links to something outside itself")
    if "Tiếp nhận" not in html or 'lang="vi"' not in html:
        raise AssertionError("the default report is not in Vietnamese")

    # The detectors themselves: a page that fetches from outside and throws
    # must be caught, or a clean result below would prove nothing.
    bad = work / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">'
                   '<script>undefined_function_of_the_test();</script></body></html>')
    _, bad_stderr, bad_urls = browse(bad, work, ["--dump-dom"])
    try:
        check_network(bad_urls, bad)
        raise RuntimeError("the network check missed a request")
    except AssertionError:
        pass
    try:
        check_console(bad_stderr)
        raise RuntimeError("the console check missed a JavaScript error")
    except AssertionError:
        pass

    dom, stderr, urls = browse(page, work, ["--dump-dom"])
    (work / "dom.html").write_text(dom, encoding="utf-8")
    (work / "chromium.log").write_text(stderr)
    check_console(stderr)
    check_network(urls, page)
    # 2 difference charts per alternative, then per scenario: supply, 2 heat maps, collections (+ appeals).
    check_charts(dom, 2 + 2 * 4)
    _, stderr, urls = browse(page, work, ["--window-size=1400,4200", f"--screenshot={work / 'report.png'}"])
    check_network(urls, page)
    if not (work / "report.png").exists() or (work / "report.png").stat().st_size < 20_000:
        raise AssertionError(f"no screenshot:\n{stderr[-2000:]}")
    check_refusals(giotmau, files, work)
    print(f"ok: report rendered without errors or network requests; screenshot {work / 'report.png'}")


if __name__ == "__main__":
    main()
