#!/usr/bin/python3
"""Reference values for Driftdesk's drift engine (src/core/drift), computed with SciPy/NumPy.

Usage: /usr/bin/python3 test/oracle/drift_oracle.py IN.json > OUT.json

IN.json (written by test/oracle/drift-oracle.test.ts):
  {"columns":    [{"name", "type": "numerical"|"categorical", "reference": [...], "current": [...]}],
   "datasets":   [{"name", "columns": [column names], "drift_share"}],
   "kolmogorov": [[n, x], ...],   # scipy.stats.kstwo.sf(x, n) and scipy.special.smirnov(n, x)
   "chi2":       [[x, dof], ...]} # scipy.stats.chi2.sf(x, dof)

The drift tests re-implement Evidently's small stat-test functions with NumPy/SciPy only (no
pandas, no evidently install), following evidently/legacy/calculations/stattests/*.py:
  utils.py get_binned_data, ks_stattest.py, chisquare_stattest.py, z_stattest.py,
  wasserstein_distance_norm.py, jensenshannon.py (base=None), psi.py, kl_div.py,
  hellinger_distance.py, and registry.py _get_default_stattest.
pandas' nunique()/value_counts() become len(set(...)) / Counter, which agree for data
without missing values (the engine receives columns with missing values removed).

Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity" so the output
stays strict JSON.
"""

import json
import math
import sys
from collections import Counter

import numpy as np
from scipy import special, stats
from scipy.spatial import distance

P_VALUE_TESTS = {"ks", "chisquare", "z"}
DEFAULT_THRESHOLDS = {"ks": 0.05, "chisquare": 0.05, "z": 0.05}  # distances: 0.1
ALLOWED = {
    "numerical": ["ks", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"],
    "categorical": ["chisquare", "z", "jensenshannon", "psi", "kl_div", "hellinger"],
}


def enc(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def as_values(values, ftype):
    return np.asarray(values, dtype=np.float64) if ftype == "numerical" else list(values)


def unique_list(ref, cur):
    # get_unique_not_nan_values_list_from_series
    return list(set(list(ref)) | set(list(cur)))


def get_binned_data(ref, cur, ftype, feel_zeroes):
    # evidently utils.get_binned_data
    n_vals = len(set(list(ref)))
    if ftype == "numerical" and n_vals > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        reference_percents = np.histogram(ref, bins)[0] / len(ref)
        current_percents = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = unique_list(ref, cur)
        rc, cc = Counter(list(ref)), Counter(list(cur))
        reference_percents = np.array([rc.get(k, 0) / len(ref) for k in keys])
        current_percents = np.array([cc.get(k, 0) / len(cur) for k in keys])
    if feel_zeroes:
        for arr in (reference_percents, current_percents):
            nz = arr[arr != 0]
            np.place(arr, arr == 0, min(nz) / 10**6 if min(nz) <= 0.0001 else 0.0001)
    return reference_percents, current_percents


def ks(ref, cur):
    r = stats.ks_2samp(ref, cur)
    return float(r.pvalue), float(r.statistic)


def chisquare(ref, cur):
    # chisquare_stattest._chi_stat_test
    keys = unique_list(ref, cur)
    rc, cc = Counter(list(ref)), Counter(list(cur))
    k_norm = len(cur) / len(ref)
    f_exp = [rc.get(k, 0) * k_norm for k in keys]
    f_obs = [cc.get(k, 0) for k in keys]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = stats.chisquare(f_obs, f_exp)
    return float(r[1]), float(r[0])


def z_test(ref, cur):
    # z_stattest._z_stat_test; returns Evidently's p = 2(1 - Φ(|z|)) and 2·norm.sf(|z|)
    ref, cur = list(ref), list(cur)
    if len(set(ref)) == 1 and len(set(cur)) == 1 and ref[0] == cur[0]:
        return 1.0, 1.0, 0.0
    keys = sorted(unique_list(ref, cur))
    a = [0 if x == keys[0] else 1 for x in ref]
    b = [0 if x == keys[0] else 1 for x in cur]
    n1, n2 = len(a), len(b)
    p1 = float(sum(a)) / n1
    p2 = float(sum(b)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return float(2 * (1 - stats.norm.cdf(np.abs(z)))), float(2 * stats.norm.sf(np.abs(z))), float(z)


def wasserstein(ref, cur):
    # wasserstein_distance_norm._wasserstein_distance_norm
    norm = max(np.std(ref), 0.001)
    return float(stats.wasserstein_distance(ref, cur) / norm)


def jensenshannon(ref, cur, ftype):
    rp, cp = get_binned_data(ref, cur, ftype, False)
    return float(distance.jensenshannon(rp, cp, None))


def psi(ref, cur, ftype):
    rp, cp = get_binned_data(ref, cur, ftype, True)
    value = 0
    for i, _ in enumerate(rp):
        value += (rp[i] - cp[i]) * np.log(rp[i] / cp[i])
    return float(value)


def kl_div(ref, cur, ftype):
    rp, cp = get_binned_data(ref, cur, ftype, True)
    return float(stats.entropy(rp, cp))


def hellinger(ref, cur, ftype):
    # hellinger_distance._hellinger_distance
    keys = unique_list(ref, cur)
    if ftype == "categorical":
        rc, cc = Counter(list(ref)), Counter(list(cur))
        h = 0.0
        for key in keys:
            h += math.sqrt((rc.get(key, 0) / len(ref)) * (cc.get(key, 0) / len(cur)))
    else:
        bins = np.histogram_bin_edges(keys, bins="sturges")
        h1 = np.histogram(ref, bins=bins, density=True)[0]
        h2 = np.histogram(cur, bins=bins, density=True)[0]
        bin_width = (max(bins) - min(bins)) / (len(bins) - 1)
        h = 0.0
        for i in range(len(h1)):
            h += math.sqrt(h1[i] * h2[i]) * bin_width
    h = np.clip(h, 0, 1)
    return float(math.sqrt(1 - h))


def default_test(ref, cur, ftype):
    # registry._get_default_stattest
    n_values = len(set(list(ref)) | set(list(cur)))
    if len(ref) <= 1000:
        if ftype == "numerical" and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if ftype == "numerical" and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def score(test, ref, cur, ftype):
    if test == "ks":
        return ks(ref, cur)[0]
    if test == "chisquare":
        return chisquare(ref, cur)[0]
    if test == "z":
        return z_test(ref, cur)[0]
    if test == "wasserstein":
        return wasserstein(ref, cur)
    return {"jensenshannon": jensenshannon, "psi": psi, "kl_div": kl_div, "hellinger": hellinger}[test](
        ref, cur, ftype
    )


def drifted(test, value, threshold):
    if test == "ks":
        return bool(value <= threshold)
    if test in P_VALUE_TESTS:
        return bool(value < threshold)
    return bool(value >= threshold)


def column_result(col):
    ftype = col["type"]
    ref, cur = as_values(col["reference"], ftype), as_values(col["current"], ftype)
    out = {"name": col["name"], "scores": {}}
    tests = list(ALLOWED[ftype])
    chosen = default_test(ref, cur, ftype)
    if chosen not in tests:  # Evidently's defaults may run chisquare/z on a numerical column
        tests.append(chosen)
    for test in tests:
        out["scores"][test] = enc(score(test, ref, cur, ftype))
    if "ks" in tests:
        p, d = ks(ref, cur)
        out["ks_statistic"] = enc(d)
        out["ks_method"] = "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"
    if "chisquare" in tests:
        out["chisquare_statistic"] = enc(chisquare(ref, cur)[1])
    if "z" in tests:
        _, p_sf, z = z_test(ref, cur)
        out["z_sf"] = enc(p_sf)
        out["z_statistic"] = enc(z)
    if "wasserstein" in tests:
        out["wasserstein_distance"] = enc(stats.wasserstein_distance(ref, cur))
    threshold = DEFAULT_THRESHOLDS.get(chosen, 0.1)
    value = out["scores"][chosen]
    out["default"] = {
        "test": chosen,
        "threshold": threshold,
        "drifted": drifted(chosen, float(value), threshold),
    }
    return out


def dataset_result(ds, by_name):
    cols = [by_name[name] for name in ds["columns"]]
    n_drifted = sum(1 for c in cols if c["default"]["drifted"])
    share = n_drifted / len(cols)
    return {
        "name": ds["name"],
        "drifted_columns": n_drifted,
        "share_drifted": share,
        "dataset_drift": bool(share >= ds["drift_share"]),
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    columns = [column_result(c) for c in data.get("columns", [])]
    by_name = {c["name"]: c for c in columns}
    result = {
        "versions": {"scipy": __import__("scipy").__version__, "numpy": np.__version__},
        "columns": columns,
        "datasets": [dataset_result(d, by_name) for d in data.get("datasets", [])],
        "kolmogorov": [
            [enc(stats.kstwo.sf(x, n)), enc(special.smirnov(int(n), x))] for n, x in data.get("kolmogorov", [])
        ],
        "chi2": [enc(stats.chi2.sf(x, dof)) for x, dof in data.get("chi2", [])],
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
