"""Oracle for `driftdesk estimate` and `driftdesk multivariate` (issue 16).

Builds a real data set and model: scikit-learn's bundled breast-cancer data, a logistic
regression trained on the first 170 rows, scored on the rest; rows 170–399 are the reference,
rows 400–568 the analysis (dated one row per 6 hours), with the labels of the later analysis
rows held back and, for the multivariate check, a shifted feature, missing values and an unseen
category in the analysis. Writes reference.csv and analysis.csv into the folder given as the
first argument and prints the expected results as JSON.

The expected values come from scikit-learn (IsotonicRegression, roc_auc_score, f1/precision/
recall/accuracy, confusion_matrix, StandardScaler, PCA) and pandas (periods), plus a short
re-implementation of NannyML's CBPE and reconstruction-error formulas written from their
definitions (estimate, sampling error, mean ± 3 std thresholds): nothing here imports the
TypeScript under test, and NannyML itself is not installed.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, precision_score, recall_score,
                             roc_auc_score)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
data = load_breast_cancer()
X = pd.DataFrame(data.data, columns=[c.replace(' ', '_') for c in data.feature_names])
y = data.target
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))
model.fit(X.iloc[:170], y[:170])
proba = model.predict_proba(X)[:, 1]
pred = (proba >= 0.5).astype(int)

FEATURES = ['mean_radius', 'mean_texture', 'mean_smoothness', 'worst_concavity', 'worst_symmetry', 'area_error']
frame = X[FEATURES].copy()
frame['tissue'] = np.where(X['mean_area'] > 700, 'large', np.where(X['mean_area'] > 450, 'medium', 'small'))
frame['y'] = y
frame['p'] = proba
frame['yhat'] = pred
frame['date'] = pd.Timestamp('2024-01-01') + pd.to_timedelta(np.arange(len(frame)) * 6, unit='h')
reference = frame.iloc[170:400].reset_index(drop=True)
analysis = frame.iloc[400:].reset_index(drop=True).copy()
analysis.loc[110:, 'y'] = np.nan  # labels not yet arrived
analysis.loc[130:, 'mean_texture'] = analysis.loc[130:, 'mean_texture'] * 1.6  # drift
analysis.loc[[3, 50, 77], 'mean_smoothness'] = np.nan
analysis.loc[[5, 60], 'tissue'] = None
analysis.loc[[140, 141], 'tissue'] = 'unseen'
reference.loc[[7, 8], 'tissue'] = None

def write(df, name):
    df = df.copy()
    df['y'] = df['y'].astype('Int64')
    df['date'] = df['date'].dt.strftime('%Y-%m-%d %H:%M:%S')
    df.to_csv(f'{out}/{name}', index=False, float_format='%.17g')
write(reference, 'reference.csv')
write(analysis, 'analysis.csv')
# What the CLI reads back: the CSV's own digits.
reference = pd.read_csv(f'{out}/reference.csv', parse_dates=['date'])
analysis = pd.read_csv(f'{out}/analysis.csv', parse_dates=['date'])

# NannyML's size chunker: consecutive rows, the remainder kept as a last chunk.
def size_chunks(n, size):
    return [np.arange(i, min(i + size, n)) for i in range(0, n, size)]

def chunk_rows(n, spec):
    kind, value = spec
    if kind == 'size':
        return size_chunks(n, value)
    return size_chunks(n, n // value)  # number (the default is number 10)

def keys(rows):
    return [f'[{r[0]}:{r[-1]}]' for r in rows]

# ---- CBPE, binary, written from NannyML's definitions ----
def thresholds(values, lower_limit, upper_limit, none_on_limit=False):
    v = np.asarray(values, dtype=float)
    m, s = np.nanmean(v), np.nanstd(v)
    lo, hi = m - 3 * s, m + 3 * s
    if lower_limit is not None and lo <= lower_limit:
        lo = None if none_on_limit else lower_limit
    if upper_limit is not None and hi >= upper_limit:
        hi = None if none_on_limit else upper_limit
    return lo, hi

def est_auc(p_cal, p_raw):
    order = np.argsort(p_raw, kind='stable')[::-1]
    t = p_cal[order]
    tps = np.r_[0, np.cumsum(t)]
    fps = np.r_[0, 1 + np.arange(len(t)) - np.cumsum(t)]
    tps, fps = np.round(tps, 5), np.round(fps, 5)
    return float(np.trapz(tps / tps[-1], fps / fps[-1]))

def est_cm(metric, yhat, p):
    tp = np.sum(np.where(yhat == 1, p, 0)); fp = np.sum(np.where(yhat == 1, 1 - p, 0))
    fn = np.sum(np.where(yhat == 0, p, 0)); tn = np.sum(np.where(yhat == 0, 1 - p, 0))
    div = lambda a, b: a / b if b != 0 else 0.0
    return {'f1': div(tp, tp + 0.5 * (fp + fn)), 'precision': div(tp, tp + fp), 'recall': div(tp, tp + fn),
            'specificity': div(tn, tn + fp), 'accuracy': (tp + tn) / len(yhat)}[metric]

def realized(metric, yt, yhat, p):
    if len(yt) == 0:
        return None
    if metric == 'roc_auc':
        return None if len(np.unique(yt)) <= 1 else roc_auc_score(yt, p)
    if metric == 'accuracy':
        return accuracy_score(yt, yhat)
    tn, fp, fn, tp = confusion_matrix(yt, yhat, labels=[0, 1]).ravel()
    if metric == 'specificity':
        return None if tn + fp == 0 else tn / (tn + fp)
    if len(np.unique(yt)) <= 1 or len(np.unique(yhat)) <= 1:
        return None
    f = {'f1': f1_score, 'precision': precision_score, 'recall': recall_score}[metric]
    return f(yt, yhat, zero_division=0)

def se_components(metric, yt, yhat, p):
    n = len(yt)
    tp = int(np.sum((yt == 1) & (yhat == 1))); fp = int(np.sum((yt == 0) & (yhat == 1)))
    fn = int(np.sum((yt == 1) & (yhat == 0))); tn = int(np.sum((yt == 0) & (yhat == 0)))
    if metric == 'roc_auc':
        t, s = yt.copy(), p.copy()
        if t.mean() > 0.5:
            t, s = 1 - t, 1 - s
        o = np.argsort(s, kind='stable')
        t = t[o]
        pos_ranks = np.unique(t * np.arange(n))[1:]
        n_pos = t.sum(); n_neg = n - n_pos
        ser = (pos_ranks - np.arange(len(pos_ranks))) / n_neg
        return np.std(ser), n_pos / n
    if metric == 'f1':
        obs = np.r_[np.ones(tp), np.zeros(fn + fp)]
        return np.std(obs * len(obs) / ((fn + fp) * 0.5 + tp)), len(obs) / n
    if metric == 'precision':
        return np.std(np.r_[np.ones(tp), np.zeros(fp)]), (tp + fp) / n
    if metric == 'recall':
        return np.std(np.r_[np.ones(tp), np.zeros(fn)]), (tp + fn) / n
    if metric == 'specificity':
        return np.std(np.r_[np.ones(tn), np.zeros(fp)]), (tn + fp) / n
    return np.std((yt == yhat).astype(float)), None

METRICS = ['roc_auc', 'f1', 'precision', 'recall', 'specificity', 'accuracy']

def cbpe(spec, calibrate):
    ry, ryhat, rp = reference['y'].to_numpy().astype(int), reference['yhat'].to_numpy(), reference['p'].to_numpy()
    ap, ayhat, ay = analysis['p'].to_numpy(), analysis['yhat'].to_numpy(), analysis['y'].to_numpy()
    ap_cal = IsotonicRegression(out_of_bounds='clip').fit(rp, ry).predict(ap) if calibrate else ap
    out = {}
    for metric in METRICS:
        ref_values = [realized(metric, ry[r], ryhat[r], rp[r]) for r in chunk_rows(len(ry), spec)]
        lo, hi = thresholds([np.nan if v is None else v for v in ref_values], 0, 1)
        std, frac = se_components(metric, ry, ryhat, rp)
        chunks = []
        for r in chunk_rows(len(ap), spec):
            e = est_auc(ap_cal[r], ap[r]) if metric == 'roc_auc' else est_cm(metric, ayhat[r], ap_cal[r])
            se = std / np.sqrt(len(r) * frac) if frac is not None else std / np.sqrt(len(r))
            lab = r[~np.isnan(ay[r])]
            chunks.append({'key': f'[{r[0]}:{r[-1]}]', 'rows': len(r), 'estimated': e, 'sampling_error': se,
                           'lower': max(0, e - 3 * se), 'upper': min(1, e + 3 * se),
                           'realized': realized(metric, ay[lab].astype(int), ayhat[lab], ap[lab]),
                           'alert': bool((lo is not None and e < lo) or (hi is not None and e > hi))})
        out[metric] = {'thresholds': [lo, hi], 'reference_values': ref_values, 'chunks': chunks}
    return out

# Driftdesk's 'auto' calibration decision (calibration.ts): ten stratified folds without randomness.
def auto_decision():
    yt, s = reference['y'].to_numpy().astype(int), reference['p'].to_numpy()
    if len(np.unique(yt)) == 1 or roc_auc_score(yt, s) > 0.999:
        return False
    fold = np.zeros(len(yt), dtype=int)
    for c in np.unique(yt):
        idx = np.where(yt == c)[0]
        fold[idx] = np.arange(len(idx)) % 10
    T, S, C = [], [], []
    for f in range(10):
        test, train = fold == f, fold != f
        iso = IsotonicRegression(out_of_bounds='clip').fit(s[train], yt[train])
        T.append(yt[test]); S.append(s[test]); C.append(iso.predict(s[test]))
    T, S, C = np.concatenate(T), np.concatenate(S), np.concatenate(C)
    n = len(S); bins = 10
    if n <= 2 * bins:
        bins = n // 2
    w = n // bins
    edges = np.asarray(range(0, n + 1, w)); edges[-1] = n
    def ece(score):
        o = np.argsort(score, kind='stable'); ps, ts = score[o], T[o]
        return sum((b - a) / n * abs(ps[a:b].mean() - ts[a:b].mean()) for a, b in zip(edges[:-1], edges[1:]))
    return bool(ece(S) > ece(C))

# ---- reconstruction error, written from NannyML's calculator ----
COLUMNS = FEATURES + ['tissue']
def dre(spec):
    ref, ana = reference[COLUMNS].copy(), analysis[COLUMNS].copy()
    means = ref[FEATURES].mean()
    counts = ref['tissue'].value_counts()
    mode = sorted(counts[counts == counts.max()].index)[0]
    def encode(df):
        df = df.copy()
        df[FEATURES] = df[FEATURES].fillna(means)
        df['tissue'] = df['tissue'].fillna(mode)
        return df
    ref_i = encode(ref)
    share = ref_i['tissue'].value_counts(normalize=True)
    def numeric(df):
        df = encode(df)
        df['tissue'] = df['tissue'].map(share).fillna(0.0)
        return df.to_numpy(dtype=float)
    scaler = StandardScaler().fit(numeric(ref))
    pca = PCA(n_components=0.65, random_state=16).fit(scaler.transform(numeric(ref)))
    def errors(df):
        z = scaler.transform(numeric(df))
        return np.linalg.norm(z - pca.inverse_transform(pca.transform(z)), axis=1)
    ref_e, ana_e = errors(ref), errors(ana)
    ref_values = [float(np.mean(ref_e[r])) for r in chunk_rows(len(ref_e), spec)]
    lo, hi = thresholds(ref_values, 0, None, none_on_limit=True)
    chunks = []
    for r in chunk_rows(len(ana_e), spec):
        m = float(np.mean(ana_e[r])); se = float(np.std(ana_e[r], ddof=1) / np.sqrt(len(r)))
        low, high = -np.inf if lo is None else lo, np.inf if hi is None else hi
        chunks.append({'key': f'[{r[0]}:{r[-1]}]', 'rows': len(r), 'reconstruction_error': m, 'sampling_error': se,
                       'lower': max(m - 3 * se, 0), 'upper': m + 3 * se, 'alert': not (low < m < high)})
    return {'components': int(pca.n_components_), 'thresholds': [lo, hi], 'reference_values': ref_values, 'chunks': chunks}

# ---- periods, as pandas groups them ----
def periods(df, freq):
    groups = df.groupby(df['date'].dt.to_period(freq))
    return [{'key': str(k), 'rows': len(g), 'start': k.start_time.strftime('%Y-%m-%dT%H:%M:%S.000Z'),
             'end': k.end_time.floor('ms').strftime('%Y-%m-%dT%H:%M:%S.%fZ').replace('000Z', 'Z')} for k, g in groups]

print(json.dumps({
    'cbpe': {'size40_on': cbpe(('size', 40), True), 'default_off': cbpe(('number', 10), False)},
    'auto_calibration': auto_decision(),
    'dre': {'size40': dre(('size', 40)), 'default': dre(('number', 10))},
    'periods': {'day': periods(analysis, 'D'), 'week': periods(analysis, 'W'), 'month': periods(reference, 'M')},
}, default=lambda o: o.item() if hasattr(o, 'item') else str(o)))
