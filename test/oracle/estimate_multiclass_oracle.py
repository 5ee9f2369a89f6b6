"""Oracle for `driftdesk estimate` on a multiclass model (issue 16).

scikit-learn's bundled wine data (3 classes), rows in a fixed shuffled order; a logistic
regression trained on the first 60 rows; rows 60–119 are the reference, 120–177 the analysis,
whose last labels are held back. Writes mc_reference.csv and mc_analysis.csv into the folder
given as the first argument and prints the expected results as JSON: realized values from
scikit-learn (roc_auc_score ovr macro, f1/precision/recall macro, multilabel_confusion_matrix,
accuracy_score), calibration from IsotonicRegression, and NannyML's multiclass CBPE formulas
re-implemented here from their definitions.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, f1_score, multilabel_confusion_matrix, precision_score, recall_score,
                             roc_auc_score)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
data = load_wine()
order = np.random.RandomState(7).permutation(len(data.target))
X, y = data.data[order][:, [0, 1, 3]], data.target[order]  # three weak features: an imperfect model
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000)).fit(X[:60], y[:60])
P = model.predict_proba(X)
frame = pd.DataFrame({'y': y, 'yhat': P.argmax(axis=1), 'p0': P[:, 0], 'p1': P[:, 1], 'p2': P[:, 2]})
ref = frame.iloc[60:120].reset_index(drop=True)
ana = frame.iloc[120:].reset_index(drop=True).astype({'y': 'Int64'})
ana.loc[45:, 'y'] = pd.NA
ref.to_csv(f'{out}/mc_reference.csv', index=False, float_format='%.17g')
ana.to_csv(f'{out}/mc_analysis.csv', index=False, float_format='%.17g')
ref = pd.read_csv(f'{out}/mc_reference.csv')
ana = pd.read_csv(f'{out}/mc_analysis.csv')
CLASSES = [0, 1, 2]
METRICS = ['roc_auc', 'f1', 'precision', 'recall', 'specificity', 'accuracy']

def chunks(n, size):
    return [np.arange(i, min(i + size, n)) for i in range(0, n, size)]

def est_auc(p_cal, p_raw):
    o = np.argsort(p_raw, kind='stable')[::-1]
    t = p_cal[o]
    tps = np.round(np.r_[0, np.cumsum(t)], 5)
    fps = np.round(np.r_[0, 1 + np.arange(len(t)) - np.cumsum(t)], 5)
    return float(np.trapz(tps / tps[-1], fps / fps[-1]))

def est_bin(metric, yhat, p):
    tp = np.sum(np.where(yhat == 1, p, 0)); fp = np.sum(np.where(yhat == 1, 1 - p, 0))
    fn = np.sum(np.where(yhat == 0, p, 0)); tn = np.sum(np.where(yhat == 0, 1 - p, 0))
    div = lambda a, b: a / b if b != 0 else 0.0
    return {'f1': div(tp, tp + 0.5 * (fp + fn)), 'precision': div(tp, tp + fp), 'recall': div(tp, tp + fn),
            'specificity': div(tn, tn + fp)}[metric]

def estimate(metric, yhat, cal, raw):
    if metric == 'roc_auc':
        return float(np.mean([est_auc(cal[:, c], raw[:, c]) for c in CLASSES]))
    if metric == 'accuracy':
        return float(np.mean(cal[np.arange(len(yhat)), yhat]))
    return float(np.mean([est_bin(metric, (yhat == c).astype(int), cal[:, c]) for c in CLASSES]))

def realized(metric, yt, yhat, raw):
    if len(yt) == 0:
        return None
    if metric == 'roc_auc':
        return None if set(yt) != set(CLASSES) else roc_auc_score(yt, raw, multi_class='ovr', average='macro', labels=CLASSES)
    if len(np.unique(yt)) <= 1 or len(np.unique(yhat)) <= 1:
        return None
    if metric == 'accuracy':
        return accuracy_score(yt, yhat)
    if metric == 'specificity':
        m = multilabel_confusion_matrix(yt, yhat, labels=CLASSES)
        return float(np.mean(m[:, 0, 0] / (m[:, 0, 0] + m[:, 0, 1])))
    f = {'f1': f1_score, 'precision': precision_score, 'recall': recall_score}[metric]
    return f(yt, yhat, average='macro', labels=CLASSES, zero_division=0)

def se_function(metric, yt, yhat, raw):
    n = len(yt)
    if metric == 'accuracy':
        s = np.std((yt == yhat).astype(float))
        return lambda m: s / np.sqrt(m)
    parts = []
    for c in CLASSES:
        t, h = (yt == c).astype(int), (yhat == c).astype(int)
        tp = np.sum((t == 1) & (h == 1)); fp = np.sum((t == 0) & (h == 1))
        fn = np.sum((t == 1) & (h == 0)); tn = np.sum((t == 0) & (h == 0))
        if metric == 'roc_auc':
            s = raw[:, c].copy()
            if t.mean() > 0.5:
                t, s = 1 - t, 1 - s
            t = t[np.argsort(s, kind='stable')]
            ranks = np.unique(t * np.arange(n))[1:]
            parts.append((np.var((ranks - np.arange(len(ranks))) / (n - t.sum())), t.sum() / n))
        elif metric == 'f1':
            parts.append((np.var(np.r_[np.ones(tp), np.zeros(fn + fp)]), (tp + fn + fp) / n))
        elif metric == 'precision':
            parts.append((np.var(np.r_[np.ones(tp), np.zeros(fp)]), (tp + fp) / n))
        elif metric == 'recall':
            parts.append((np.var(np.r_[np.ones(tp), np.zeros(fn)]), (tp + fn) / n))
        else:
            parts.append((np.var(np.r_[np.ones(tn), np.zeros(fp)]), (tn + fp) / n))
    factor = 1.2 if metric == 'roc_auc' else 1.0
    return lambda m: np.sqrt(sum(v / (m * f) for v, f in parts)) / len(parts) * factor

def run(size, calibrate):
    ry, rh, rp = ref['y'].to_numpy(), ref['yhat'].to_numpy(), ref[['p0', 'p1', 'p2']].to_numpy()
    ay, ah, ap = ana['y'].to_numpy(), ana['yhat'].to_numpy(), ana[['p0', 'p1', 'p2']].to_numpy()
    cal = ap.copy()
    if calibrate:
        for c in CLASSES:
            cal[:, c] = IsotonicRegression(out_of_bounds='clip').fit(rp[:, c], (ry == c).astype(int)).predict(ap[:, c])
    s = cal.sum(axis=1, keepdims=True)
    cal = np.where(s != 0, cal / np.where(s == 0, 1, s), 1 / len(CLASSES))
    result = {}
    for metric in METRICS:
        ref_values = [realized(metric, ry[r], rh[r], rp[r]) for r in chunks(len(ry), size)]
        v = np.array([np.nan if x is None else x for x in ref_values])
        lo, hi = np.nanmean(v) - 3 * np.nanstd(v), np.nanmean(v) + 3 * np.nanstd(v)
        lo, hi = max(lo, 0) if lo > 0 else 0, hi if hi < 1 else 1
        se = se_function(metric, ry, rh, rp)
        rows = []
        for r in chunks(len(ay), size):
            e = estimate(metric, ah[r], cal[r], ap[r]); err = float(se(len(r)))
            lab = r[~np.isnan(ay[r])]
            rows.append({'key': f'[{r[0]}:{r[-1]}]', 'rows': len(r), 'estimated': e, 'sampling_error': err,
                         'lower': max(0, e - 3 * err), 'upper': min(1, e + 3 * err),
                         'realized': realized(metric, ay[lab].astype(int), ah[lab], ap[lab]),
                         'alert': bool(e < lo or e > hi)})
        result[metric] = {'thresholds': [lo, hi], 'reference_values': ref_values, 'chunks': rows}
    return result

print(json.dumps({'size20_on': run(20, True), 'size20_off': run(20, False)},
                 default=lambda o: o.item() if hasattr(o, 'item') else str(o)))
