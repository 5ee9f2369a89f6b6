#!/usr/bin/python3
"""Golden drift results for Driftdesk, computed with pandas + SciPy/NumPy (issue 3, "Correctness").

Regenerate (from the repository root, with Debian's python3-pandas and python3-scipy):

    /usr/bin/python3 test/golden/generate.py

It rewrites test/golden/data/*.csv and test/golden/drift-golden.json; both are committed, and
test/integration/drift-golden.test.ts runs Driftdesk's `compareFiles` on every pair and compares
with the JSON (scores to a relative 1e-6 or absolute 1e-9; test names, thresholds, drift flags,
counts and skipped columns exactly). The output is deterministic: the script re-runs itself with
PYTHONHASHSEED=0, because Evidently's code sums over Python sets, whose order follows the hash seed.

What "the oracle" means here, step by step, as Evidently's legacy data drift does it:
  1. read each CSV with `pd.read_csv(path)` and its defaults (pandas' NA tokens, its typing);
  2. type each column as Evidently's legacy `_get_column_type` does
     (evidently/legacy/utils/data_preprocessing.py; see `evidently_type` below): an integer
     dtype with at most NUMBER_UNIQUE_AS_CATEGORICAL = 5 distinct reference values, bool and
     object -> categorical; other numbers -> numerical; `--categorical` / `--numerical` override.
     A column numeric on one side and not on the other is skipped (see below);
  3. per column, replace +-inf by NaN and drop NaN (evidently/legacy/calculations/data_drift.py,
     get_one_column_drift), then pick the default test from what is left
     (registry._get_default_stattest) unless a test is forced;
  4. compute the score with test/oracle/drift_oracle.py (Evidently's stat tests re-implemented
     with SciPy/NumPy); drifted per the test's rule; dataset drift when share >= drift_share.
Where Evidently would raise instead (a column missing on one side, a column with no values left,
a column numeric on one side and text on the other) Driftdesk reports the column as skipped and
leaves it out of the share; the JSON lists those columns under "skipped_columns" in Driftdesk's
order (reference columns, then columns only in the current file).

drift-golden.json, per pair: the two files and their row counts, the CLI options (as
`compareFiles` options), per tested column {name, type, test, score, threshold, drifted, values:
[non-missing values in reference, in current]}, drifted_columns, share_drifted, drift_share,
dataset_drift, and skipped_columns [{name, why}] (only the names are compared).

Avoid column names "target", "prediction" and "datetime": Evidently's default ColumnMapping
treats them specially, Driftdesk does not.

Data sources (all from the npm package vega-datasets 3.2.1 in node_modules/vega-datasets/data;
the package is BSD-3-Clause, and each dataset keeps the license its datapackage.json records):
  - seattle-weather.csv: daily Seattle weather 2012-2015, NOAA National Climatic Data Center
    (https://www.ncdc.noaa.gov/cdo-web/datatools/records); U.S. Government work, public domain.
    Split by year; the `date` column is dropped (every date is its own category).
  - flights-20k.json: U.S. flight delays, January-March 2001, U.S. Bureau of Transportation
    Statistics (https://www.transtats.bts.gov/), data collected under 14 CFR Part 234, "license
    terms not explicitly specified" (U.S. DOT). Split by month, `date` dropped, rows taken at
    evenly spaced positions within the month.
  - penguins.json: Palmer Station Antarctica LTER, via Allison Horst's palmerpenguins; CC0 1.0.
    Split by island; missing values written as NA.
  - cars.json: StatLib Datasets Archive (http://lib.stat.cmu.edu/datasets/), distributed in 1982
    for educational and scientific purposes. Split by model year (<= 1975 vs later), `Year`
    dropped; missing values written as empty fields.
  - edge-*.csv: made up here with a seeded PRNG (no license needed): NA tokens, +-inf, a constant
    column, single-value columns, categories on one side only, booleans in pandas' spellings,
    an all-missing column, columns on one side only, a column numeric on one side only, and
    a numerical column whose missing values push its reference below 1001 rows.
"""

import csv
import json
import os
import random
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "oracle"))
import drift_oracle as oracle  # noqa: E402

VEGA = os.path.join(ROOT, "node_modules", "vega-datasets", "data")
DATA = os.path.join(HERE, "data")
REL_DATA = "test/golden/data"


# ---------------------------------------------------------------------------------------------
# Building the CSV files


def write_csv(name, header, rows):
    with open(os.path.join(DATA, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return f"{REL_DATA}/{name}"


def cell(v, na=""):
    if v is None:
        return na
    return repr(v) if isinstance(v, float) else str(v)


def evenly(rows, n):
    """n rows at evenly spaced positions (keeps the month's spread, no PRNG)."""
    assert n <= len(rows), (n, len(rows))
    return [rows[i * len(rows) // n] for i in range(n)]


def weather_files():
    with open(os.path.join(VEGA, "seattle-weather.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header[0] == "date"
    by_year = {}
    for r in body:
        by_year.setdefault(r[0][:4], []).append(r[1:])  # field text kept verbatim
    out = {}
    for year in ("2012", "2013", "2014", "2015"):
        out[year] = write_csv(f"weather-{year}.csv", header[1:], by_year[year])
    out["2012-2014"] = write_csv(
        "weather-2012-2014.csv", header[1:], by_year["2012"] + by_year["2013"] + by_year["2014"]
    )
    return out


def flights_files():
    with open(os.path.join(VEGA, "flights-20k.json"), encoding="utf-8") as f:
        flights = json.load(f)
    cols = ["delay", "distance", "origin", "destination"]
    months = {}
    for r in flights:
        months.setdefault(r["date"][5:7], []).append([cell(r[c]) for c in cols])
    out = {}
    for n in (300, 999, 1000, 1001, 1500, 5000):
        out[f"jan-{n}"] = write_csv(f"flights-jan-{n}.csv", cols, evenly(months["01"], n))
    out["mar-2000"] = write_csv("flights-mar-2000.csv", cols, evenly(months["03"], 2000))
    out["feb-1200"] = write_csv("flights-feb-1200.csv", cols, evenly(months["02"], 1200))
    # Only the two numerical columns: airports served in one month only make origin and
    # destination drift (a category with an expected count of 0 gives chisquare p = 0).
    for month, label in (("01", "jan"), ("03", "mar")):
        rows = [r[:2] for r in evenly(months[month], 3000)]
        out[f"delays-{label}"] = write_csv(f"flights-delays-{label}-3000.csv", cols[:2], rows)
    return out


def penguins_files():
    with open(os.path.join(VEGA, "penguins.json"), encoding="utf-8") as f:
        penguins = json.load(f)
    cols = list(penguins[0].keys())
    out = {}
    for island in ("Biscoe", "Dream"):
        rows = [[cell(p[c], na="NA") for c in cols] for p in penguins if p["Island"] == island]
        out[island] = write_csv(f"penguins-{island.lower()}.csv", cols, rows)
    return out


def cars_files():
    with open(os.path.join(VEGA, "cars.json"), encoding="utf-8") as f:
        cars = json.load(f)
    cols = [c for c in cars[0].keys() if c != "Year"]
    early = [[cell(c[k]) for k in cols] for c in cars if c["Year"] <= "1975"]
    late = [[cell(c[k]) for k in cols] for c in cars if c["Year"] > "1975"]
    return {"early": write_csv("cars-1970-1975.csv", cols, early), "late": write_csv("cars-1976-1982.csv", cols, late)}


# pandas' default NA tokens that Driftdesk's reader also treats as missing (pandas 1.5 and 2.x).
NA_TOKENS = ["", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "null", "NULL", "#N/A", "<NA>", "#NA", "#N/A N/A", "1.#IND", "-1.#QNAN"]


def edge_file(name, n, seed, side):
    """Hand-made columns; `side` is "ref" or "cur" and shifts some distributions."""
    rnd = random.Random(seed)
    ref = side == "ref"
    header = [
        "num_na",  # normal numbers with missing values spelled in every NA token
        "num_inf",  # numbers with inf / -inf / Infinity, which Evidently drops
        "num_odd",  # numbers written as pandas also reads them: " 7", "+3", ".5", "1e2", "5."
        "sparse",  # numbers, 300 missing: a 1200-row reference has <= 1000 values left
        "const_num",  # the same number on every row of both files
        "single_cat",  # one category, the same in both files
        "flip_cat",  # one category per file, a different one in each
        "color",  # categories, some present on one side only
        "flag",  # booleans in pandas' spellings True/TRUE/true, False/FALSE/false, with NA
        "count",  # small integers 0..4 with gaps: numerical with <= 5 values
        "code",  # text that looks numeric to some parsers, not to pandas
        "all_missing",  # nothing but NA tokens on both sides
        "gone_missing",  # values in the reference, only NA tokens in the current file
        "shape",  # numbers in the reference, text in the current file
        "only_ref" if ref else "only_cur",
    ]
    colors = ["red", "green", "blue", "teal"] if ref else ["red", "green", "blue", "purple", "orange"]
    weights = [5, 3, 2, 1] if ref else [4, 3, 3, 1, 1]
    rows = []
    for i in range(n):
        mu = 0.0 if ref else 0.35
        v = round(rnd.gauss(mu, 1.0), 3)
        num_na = rnd.choice(NA_TOKENS) if rnd.random() < 0.12 else repr(v)
        x = round(rnd.gauss(10, 2 if ref else 2.6), 2)
        num_inf = rnd.choice(["inf", "-inf", "Infinity", "-Infinity"]) if rnd.random() < 0.03 else repr(x)
        k = rnd.randint(0, 60 if ref else 66)
        num_odd = [f" {k}", f"+{k}", f"{k}.", f"{k / 10}", f"{k}e0", f"{k}E+00", f".{k}" if k < 10 else str(k)][i % 7]
        sparse = "NA" if i % 4 == 1 else repr(round(rnd.expovariate(1.0 if ref else 0.8), 3))
        color = rnd.choices(colors, weights)[0]
        flag_true = rnd.random() < (0.3 if ref else 0.45)
        flag = "" if rnd.random() < 0.05 else rnd.choice(["True", "TRUE", "true"] if flag_true else ["False", "FALSE", "false"])
        count = rnd.choice(["0", "1", "1", "2", "4", "4", "NA"] if ref else ["0", "1", "2", "2", "4", "4", "NA"])
        code = rnd.choice(["1_000", "2_500", "NAN", "Nan", "+nan", "7", "12"])
        gone = repr(round(rnd.uniform(0, 5), 1)) if ref else rnd.choice(["", "NA", "null"])
        shape = repr(round(rnd.uniform(0, 1), 2)) if ref else rnd.choice(["low", "high", "0.5"])
        rows.append([
            num_na,
            num_inf,
            num_odd,
            sparse,
            "3.5",
            "yes",
            "a" if ref else "b",
            color,
            flag,
            count,
            code,
            rnd.choice(["", "NA", "nan"]),
            gone,
            shape,
            str(rnd.randint(0, 9)),
        ])
    return write_csv(name, header, rows)


def types_file(name, n, seed, side):
    """Columns for Evidently's typing rules (issue 17); `side` is "ref" or "cur"."""
    rnd = random.Random(seed)
    ref = side == "ref"
    header = [
        "flag",  # integers 0/1, none missing: int64 with 2 values -> categorical (z)
        "level",  # integers 1..3 with a missing value: float64 -> numerical (chisquare by count)
        "ok",  # booleans, none missing: bool -> categorical
        "code",  # integers 1..5 in the reference, 1..7 in the current: categorical, chisquare
        "count",  # integers 0..11: int64 with more than 5 values -> numerical
        "grade",  # integers 2, 10, 30: categorical; z orders them as numbers (2 first)
        "price",  # floats 2.0, 10.0, 30.0: numerical unless --categorical; z orders as numbers
        "mixed",  # 3 integers, missing in the reference only: float64 vs int64 -> Evidently looks at the current's int64
    ]
    rows = []
    for i in range(n):
        flag = "1" if rnd.random() < (0.3 if ref else 0.4) else "0"
        level = "NA" if i == 3 else str(rnd.choice([1, 2, 2, 3] if ref else [1, 2, 3, 3]))
        ok = rnd.choice(["True", "False", "False"] if ref else ["True", "True", "False"])
        code = str(rnd.randint(1, 5) if ref else rnd.choice([1, 2, 3, 4, 5, 6, 7]))
        count = str(rnd.randint(0, 11 if ref else 9))
        grade = str(rnd.choice([2, 10, 30, 30] if ref else [2, 10, 10, 30]))
        price = rnd.choice(["2.0", "10.0", "10.0", "30.0"] if ref else ["2.0", "10.0", "30.0", "30.0"])
        mixed = "" if ref and i % 7 == 2 else str(rnd.choice([4, 5, 6]))
        rows.append([flag, level, ok, code, count, grade, price, mixed])
    return write_csv(name, header, rows)


def jsonl_file(name, n, seed, side):
    """JSON Lines read by pd.read_json(lines=True) (issue 17): date-looking strings in columns whose
    names pandas does not try as dates stay text and are tested; `date` and `updated_at` become
    datetime64 and are skipped; numbers in strings become numbers; 1.0/2.0 become int64."""
    rnd = random.Random(seed)
    ref = side == "ref"
    days = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"] if ref else ["2024-03-03", "2024-03-04", "2024-03-05"]
    path = os.path.join(DATA, name)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            row = {
                "day": rnd.choice(days),  # date-looking text: categorical, chisquare
                "shipped": rnd.choice(["2024-03-01T08:00:00", "2024-03-01 08:00:00"] if ref else ["2024-03-01T08:00:00"]),  # two spellings stay two categories: z
                "date": f"2024-0{1 + i % 3}-1{i % 10}",  # pandas tries `date` as dates: datetime64, skipped
                "updated_at": 1700000000 + i * 3600,  # epoch seconds in an `_at` column: datetime64, skipped
                "visits": rnd.choice([1.0, 2.0, 3.0] if ref else [2.0, 3.0, 3.0]),  # floats equal to ints: int64, 3 values -> categorical
                "zip": rnd.choice(["02139", "10001", "94103"]),  # strings of digits: read_json makes them int64
                "active": rnd.random() < (0.5 if ref else 0.7),  # bool: categorical
                "score": round(rnd.gauss(0 if ref else 0.3, 1), 3),  # float64: numerical, ks
            }
            f.write(json.dumps(row) + "\n")
    return f"{REL_DATA}/{name}"


# ---------------------------------------------------------------------------------------------
# The oracle: pandas typing + Evidently's rules + drift_oracle.py's SciPy scores


def column_kind(series):
    """What a column holds, to find columns numeric on one side only (Driftdesk skips those)."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_object_dtype(series):
        return "categorical"
    if pd.api.types.is_datetime64_dtype(series):
        return "datetime"
    if pd.api.types.is_numeric_dtype(series):
        return "numerical"
    raise ValueError(f"unexpected dtype {series.dtype} for {series.name}")


NUMBER_UNIQUE_AS_CATEGORICAL = 5


def evidently_type(ref, cur):
    """evidently/legacy/utils/data_preprocessing.py::_get_column_type (Evidently 0.7, the branch
    for features other than target and prediction, no column mapping), copied line by line."""
    ref_type, cur_type = ref.dtype, cur.dtype
    try:
        ref_unique = ref.nunique()
    except TypeError:
        ref_unique = None
    try:
        cur_unique = cur.nunique()
    except TypeError:
        cur_unique = None
    if ref_type != cur_type:
        available_set = ["i", "u", "f", "c", "m", "M"]
        if ref_type.kind not in available_set or cur_type.kind not in available_set:
            cur_type = ref_type
        if pd.api.types.is_dtype_equal(cur_type, ref_type):
            cur_type = ref_type
    nunique = ref_unique or cur_unique
    column_dtype = cur_type
    if pd.api.types.is_integer_dtype(column_dtype):
        nunique = ref_unique or cur_unique
        if nunique is not None and nunique <= NUMBER_UNIQUE_AS_CATEGORICAL:
            return "categorical"
        return "numerical"
    if pd.api.types.is_numeric_dtype(column_dtype):
        if column_dtype == bool:
            return "categorical"
        return "numerical"
    if pd.api.types.is_datetime64_dtype(column_dtype):
        return "datetime"
    return "categorical"


def clean(series, kind):
    s = series.replace([np.inf, -np.inf], np.nan).dropna()
    if kind == "numerical":
        return np.asarray(s, dtype=np.float64)
    return s.tolist()


def read(path):
    """pandas' reader for the file type, with its defaults (as a user of Evidently would load it)."""
    full = os.path.join(ROOT, path)
    if path.endswith(".jsonl"):
        return pd.read_json(full, lines=True)
    if path.endswith(".json"):
        return pd.read_json(full)
    return pd.read_csv(full, sep="\t" if path.endswith(".tsv") else ",")


def compare(name, ref_path, cur_path, options=None, note=""):
    options = options or {}
    ref = read(ref_path)
    cur = read(cur_path)
    forced_cat = set(options.get("categorical", []))
    forced_num = set(options.get("numerical", []))
    column_tests = options.get("columnTests", {})
    drift_share = options.get("driftShare", 0.5)
    columns, skipped = [], []
    for col in ref.columns:
        if col not in cur.columns:
            skipped.append({"name": col, "why": "only in the reference"})
            continue
        if col in forced_cat:
            kind = "categorical"
        elif col in forced_num:
            kind = "numerical"
        else:
            if column_kind(cur[col]) != column_kind(ref[col]):
                skipped.append({"name": col, "why": "numerical on one side, categorical on the other"})
                continue
            kind = evidently_type(ref[col], cur[col])
        if kind == "datetime":
            skipped.append({"name": col, "why": "datetime: not tested"})
            continue
        r, c = clean(ref[col], kind), clean(cur[col], kind)
        if len(r) == 0 or len(c) == 0:
            skipped.append({"name": col, "why": "all values missing on one side: not testable"})
            continue
        test = column_tests.get(col, options.get("test"))
        if test is None:
            test = oracle.default_test(r, c, kind)
        else:
            assert test in oracle.ALLOWED[kind], (name, col, test, kind)
        threshold = oracle.DEFAULT_THRESHOLDS.get(test, 0.1)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = oracle.score(test, r, c, kind)
        columns.append({
            "name": col,
            "type": kind,
            "test": test,
            "score": oracle.enc(score),
            "threshold": threshold,
            "drifted": oracle.drifted(test, score, threshold),
            "values": [len(r), len(c)],  # non-missing values per side, for the reader
        })
    for col in cur.columns:
        if col not in ref.columns:
            skipped.append({"name": col, "why": "only in the current data"})
    drifted = sum(1 for c in columns if c["drifted"])
    share = drifted / len(columns)
    return {
        "name": name,
        "note": note,
        "reference": {"path": ref_path, "rows": len(ref)},
        "current": {"path": cur_path, "rows": len(cur)},
        "options": options,
        "columns": columns,
        "drifted_columns": drifted,
        "share_drifted": share,
        "drift_share": drift_share,
        "dataset_drift": bool(share >= drift_share),
        "skipped_columns": skipped,
    }


def main():
    os.makedirs(DATA, exist_ok=True)
    for f in os.listdir(DATA):
        if f.endswith(".csv") or f.endswith(".jsonl"):
            os.remove(os.path.join(DATA, f))
    w, fl, pg, cars = weather_files(), flights_files(), penguins_files(), cars_files()
    jsonl = {"ref": jsonl_file("events-ref.jsonl", 150, 31, "ref"), "cur": jsonl_file("events-cur.jsonl", 120, 32, "cur")}
    types = {
        "small-ref": types_file("types-small-ref.csv", 200, 21, "ref"),
        "small-cur": types_file("types-small-cur.csv", 180, 22, "cur"),
        "large-ref": types_file("types-large-ref.csv", 1200, 23, "ref"),
        "large-cur": types_file("types-large-cur.csv", 1100, 24, "cur"),
    }
    edge = {
        "small-ref": edge_file("edge-small-ref.csv", 240, 11, "ref"),
        "small-cur": edge_file("edge-small-cur.csv", 180, 12, "cur"),
        "large-ref": edge_file("edge-large-ref.csv", 1200, 13, "ref"),
        "large-cur": edge_file("edge-large-cur.csv", 1100, 14, "cur"),
    }
    pairs = [
        compare("weather-2012-vs-2015", w["2012"], w["2015"], note="366 vs 365 rows: ks / chisquare"),
        compare("weather-2013-vs-2014", w["2013"], w["2014"]),
        compare("weather-2012-2014-vs-2015", w["2012-2014"], w["2015"], note="1096 reference rows: wasserstein / jensenshannon"),
        compare("weather-2013-vs-2014-psi", w["2013"], w["2014"], {"test": "psi"}, note="--stattest psi on every column"),
        compare("weather-2012-vs-2015-share", w["2012"], w["2015"], {"driftShare": 0.9}, note="--drift-share 0.9"),
    ]
    for n in (300, 999, 1000, 1001, 1500, 5000):
        pairs.append(compare(f"flights-jan-{n}-vs-mar-2000", fl[f"jan-{n}"], fl["mar-2000"]))
    pairs += [
        compare("flights-delays-jan-vs-mar", fl["delays-jan"], fl["delays-mar"], note="delay and distance only: no drift"),
        compare("flights-jan-1000-vs-feb-1200", fl["jan-1000"], fl["feb-1200"]),
        compare("flights-feb-1200-vs-jan-300", fl["feb-1200"], fl["jan-300"], note="1200 reference rows vs 300 current rows"),
        compare(
            "flights-jan-1500-vs-mar-2000-forced",
            fl["jan-1500"],
            fl["mar-2000"],
            {"columnTests": {"delay": "ks", "origin": "hellinger", "distance": "kl_div"}},
            note="--stattest delay=ks --stattest origin=hellinger --stattest distance=kl_div",
        ),
        compare("penguins-biscoe-vs-dream", pg["Biscoe"], pg["Dream"], note="species present on one island only; NA"),
        compare("cars-1970-1975-vs-1976-1982", cars["early"], cars["late"], note="Cylinders: 5 values, numerical -> chisquare"),
        compare(
            "cars-categorical-cylinders",
            cars["early"],
            cars["late"],
            {"categorical": ["Cylinders"], "columnTests": {"Weight_in_lbs": "ks"}},
            note="--categorical Cylinders (an integer column) --stattest Weight_in_lbs=ks",
        ),
        compare("edge-small", edge["small-ref"], edge["small-cur"], note="hand-made, 240 vs 180 rows"),
        compare("edge-large", edge["large-ref"], edge["large-cur"], note="hand-made, 1200 vs 1100 rows"),
        compare("edge-large-psi", edge["large-ref"], edge["large-cur"], {"test": "psi"}, note="--stattest psi"),
        compare("types-small", types["small-ref"], types["small-cur"], note="issue 17: int64 with <= 5 values, bool, int with NA"),
        compare("types-large", types["large-ref"], types["large-cur"], note="issue 17, 1200 reference rows: jensenshannon on int categories"),
        compare(
            "types-small-z-numeric",
            types["small-ref"],
            types["small-cur"],
            {"categorical": ["price"], "columnTests": {"grade": "z", "price": "z", "code": "z", "flag": "chisquare"}},
            note="issue 17: z over 3 numeric categories orders them as numbers; --stattest z on an int64 column",
        ),
        compare("jsonl-date-strings", jsonl["ref"], jsonl["cur"], note="issue 17: pd.read_json(lines=True) typing; date-looking text is tested"),
        compare(
            "types-small-numerical-override",
            types["small-ref"],
            types["small-cur"],
            {"numerical": ["code", "grade"]},
            note="--numerical overrides Evidently's int64 rule",
        ),
        compare(
            "edge-small-categorical-count",
            edge["small-ref"],
            edge["small-cur"],
            {"categorical": ["count"], "columnTests": {"num_na": "wasserstein", "color": "jensenshannon"}},
            note="--categorical count (floats with NA) and per-column tests",
        ),
    ]
    out = {
        "generator": "test/golden/generate.py",
        "versions": {
            "python": sys.version.split()[0],
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "scipy": __import__("scipy").__version__,
        },
        "pairs": pairs,
    }
    with open(os.path.join(HERE, "drift-golden.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for p in pairs:
        tests = sorted({c["test"] for c in p["columns"]})
        print(
            f"{p['name']:40} {p['reference']['rows']:5} vs {p['current']['rows']:5}  "
            f"drifted {p['drifted_columns']}/{len(p['columns'])}  dataset_drift={p['dataset_drift']!s:5}  {','.join(tests)}"
            + (f"  skipped {[s['name'] for s in p['skipped_columns']]}" if p["skipped_columns"] else "")
        )


if __name__ == "__main__":
    main()
