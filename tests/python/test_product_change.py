#!/usr/bin/python3
"""A demand surge end to end, and analysis/product_change.py against an
independent count (ctest: python_product_change).

    /usr/bin/python3 tests/python/test_product_change.py GIOTMAU BASE.toml WORKDIR

Writes an overlay of BASE that triples platelet requests at the hospitals of
hub-province in March, runs `giotmau compare BASE OVERLAY -n 3 -o WORKDIR/cmp.h5`,
then checks from the results files alone (h5py): platelet requests change only
in hub-province and only in March, there by about 3x; and the script's national
and hub-province rows give the same totals. Exits non-zero on failure.
"""
import pathlib
import shutil
import subprocess
import sys

import h5py
import numpy as np


def requested_platelets(path):
    with h5py.File(path, "r") as f:
        d = f["daily"]
        decode = lambda xs: [x.decode() if isinstance(x, bytes) else x for x in xs]  # noqa: E731
        products = decode(d["product"][:])
        areas = decode(d["area"][:])
        dates = decode(d["date_label"][:])
        requested = d["requested"][:][..., products.index("platelets")].sum(axis=3)  # replication, date, area
    return requested, areas, np.array([int(s[5:7]) for s in dates])


def main(giotmau, base, work):
    work = pathlib.Path(work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    overlay = work / "surge.toml"
    overlay.write_text(f'extends = "{pathlib.Path(base).resolve()}"\nname = "surge"\n\n'
                       '[[demand.surge]]\nname = "outbreak"\nstart = "03-01"\nend = "03-31"\n'
                       'areas = ["hub-province"]\nproducts = ["platelets"]\nfactor = 3\n')
    subprocess.run([giotmau, "compare", base, str(overlay), "-n", "3", "--quiet", "-o", str(work / "cmp.h5")],
                   check=True)
    b_req, areas, months = requested_platelets(work / "cmp-three-provinces.h5")
    a_req, _, _ = requested_platelets(work / "cmp-surge.h5")
    hub = areas.index("hub-province")
    march = months == 3
    changed = np.zeros(b_req.shape, dtype=bool)
    changed[:, march, hub] = True
    assert np.array_equal(b_req[~changed], a_req[~changed]), "requests changed outside hub-province in March"
    ratio = a_req[:, march, hub].sum() / b_req[:, march, hub].sum()
    assert 2.5 < ratio < 3.5, f"hub-province March platelets x{ratio:.2f}, expected about 3"

    script = pathlib.Path(__file__).resolve().parents[2] / "analysis" / "product_change.py"
    out = subprocess.run([sys.executable, str(script), str(work / "cmp-three-provinces.h5"), str(work / "cmp-surge.h5"),
                          "--product", "platelets"], check=True, capture_output=True, text=True).stdout
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("  ")}
    national = [float(x.replace(",", "")) for x in rows["national"][1:3]]
    assert np.allclose(national, [b_req.sum() / 3, a_req.sum() / 3], atol=0.5), (national, out)
    hub_row = [float(x.replace(",", "")) for x in rows["hub-province"][1:3]]
    assert np.allclose(hub_row, [b_req[:, :, hub].sum() / 3, a_req[:, :, hub].sum() / 3], atol=0.5), (hub_row, out)
    assert rows["coast-province"][5] == "+0", out
    print(f"ok: hub-province March platelets x{ratio:.2f}; elsewhere unchanged; product_change.py agrees")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
