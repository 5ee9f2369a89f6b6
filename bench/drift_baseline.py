#!/usr/bin/python3
"""The named baseline of `npm run bench:drift`: pandas + SciPy doing what `driftdesk drift` does.

Usage: /usr/bin/python3 bench/drift_baseline.py REF CUR   (Debian's python3-pandas / -scipy)

Reads both files with pandas (`read_csv`, or `read_parquet` when a Parquet engine is
importable; without one it reads the CSV file next to each Parquet file and says so in
"reader"), types each column as Evidently does by default (numeric dtype → numerical, else
categorical), drops missing values, picks Evidently's default test per column and scores it:
- wasserstein: scipy.stats.wasserstein_distance / max(np.std(ref), 0.001), as
  test/oracle/drift_oracle.py (Evidently's wasserstein_distance_norm.py);
- jensenshannon: scipy.spatial.distance.jensenshannon over Evidently's get_binned_data
  shares, computed with pandas' value_counts as Evidently does (the oracle's Counter version
  gives the same numbers but is several times slower on a million rows, which would flatter us);
- any other test: the oracle's own function.

Prints one JSON object: reader, rows, timings (import_s, read_s, tests_s, total_s),
peak_rss_mb (ru_maxrss of this process) and per-column results in the CLI's JSON shape.
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial import distance  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "oracle"))
import drift_oracle as oracle  # noqa: E402

T_IMPORTED = time.perf_counter()


def parquet_engine():
    for name in ("pyarrow", "fastparquet"):
        try:
            __import__(name)
            return name
        except ImportError:
            pass
    return None


def read(path):
    """Returns (DataFrame, reader description)."""
    if path.lower().endswith((".parquet", ".pq")):
        engine = parquet_engine()
        if engine:
            return pd.read_parquet(path, engine=engine), f"read_parquet ({engine})"
        csv = os.path.splitext(path)[0] + ".csv"
        return pd.read_csv(csv), "read_csv of the CSV twin (no pyarrow/fastparquet in /usr/bin/python3)"
    return pd.read_csv(path), "read_csv"


def column_type(series):
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return "numerical"
    return "categorical"


def clean(series):
    # Evidently: replace ±inf by NaN, then dropna().
    if column_type(series) == "numerical":
        series = series.replace([np.inf, -np.inf], np.nan)
    series = series.dropna()
    return series if column_type(series) == "numerical" else series.astype(str)


def default_test(ref, cur, ftype):
    # registry._get_default_stattest, with pandas' nunique as Evidently uses
    n_values = pd.concat([ref, cur]).nunique()
    if len(ref) <= 1000:
        if ftype == "numerical" and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if ftype == "numerical" and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def binned_shares(ref, cur, ftype):
    # utils.get_binned_data(feel_zeroes=False), as Evidently writes it with pandas
    if ftype == "numerical" and ref.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([ref, cur]), bins="sturges")
        return np.histogram(ref, bins)[0] / len(ref), np.histogram(cur, bins)[0] / len(cur)
    keys = sorted(set(ref.unique()) | set(cur.unique()))  # sorted: set order varies with PYTHONHASHSEED
    rc, cc = ref.value_counts(), cur.value_counts()
    rp = np.array([rc.get(k, 0) for k in keys]) / len(ref)
    cp = np.array([cc.get(k, 0) for k in keys]) / len(cur)
    return rp, cp


def score(test, ref, cur, ftype):
    if test == "wasserstein":
        return oracle.wasserstein(ref.to_numpy(dtype=np.float64), cur.to_numpy(dtype=np.float64))
    if test == "jensenshannon":
        rp, cp = binned_shares(ref, cur, ftype)
        return float(distance.jensenshannon(rp, cp, None))
    as_values = (lambda s: s.to_numpy(dtype=np.float64)) if ftype == "numerical" else (lambda s: s.tolist())
    return oracle.score(test, as_values(ref), as_values(cur), ftype)


def main():
    ref_path, cur_path = sys.argv[1], sys.argv[2]
    t_read = time.perf_counter()
    ref_df, reader = read(ref_path)
    cur_df, _ = read(cur_path)
    t_tests = time.perf_counter()
    columns = []
    for name in ref_df.columns:
        if name not in cur_df.columns:
            continue
        ftype = column_type(ref_df[name])
        if column_type(cur_df[name]) != ftype:
            continue
        ref, cur = clean(ref_df[name]), clean(cur_df[name])
        if len(ref) == 0 or len(cur) == 0:
            continue
        test = default_test(ref, cur, ftype)
        threshold = oracle.DEFAULT_THRESHOLDS.get(test, 0.1)
        value = score(test, ref, cur, ftype)
        columns.append(
            {
                "name": name,
                "type": ftype,
                "test": test,
                "score": value,
                "threshold": threshold,
                "drifted": oracle.drifted(test, value, threshold),
            }
        )
    t_end = time.perf_counter()
    drifted = sum(1 for c in columns if c["drifted"])
    json.dump(
        {
            "reader": reader,
            "rows": [len(ref_df), len(cur_df)],
            "versions": {"pandas": pd.__version__, "scipy": __import__("scipy").__version__, "numpy": np.__version__},
            "timings": {
                "import_s": T_IMPORTED - T0,
                "read_s": t_tests - t_read,
                "tests_s": t_end - t_tests,
                "total_s": t_end - T0,
            },
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "columns": columns,
            "drifted_columns": drifted,
            "share_drifted": drifted / len(columns) if columns else None,
            "dataset_drift": bool(columns) and drifted / len(columns) >= 0.5,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
