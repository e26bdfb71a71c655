#!/usr/bin/python3
"""Writes the logistic-regression reference fixtures of src/model/testdata/.

Run ONCE with Debian's python3-sklearn (/usr/bin/python3); the C++ test reads
the committed output and needs no Python:

    /usr/bin/python3 tools/make_lr_fixture.py src/model/testdata

Format (text, one row per line):
    <kind> <rows> <dim> <classes> <C> <class_weight>
    dense:  <label> <x_1> ... <x_dim> | <p_1> ... <p_classes>
    sparse: <label> <j>:<x_j> ... | <p_1> ... <p_classes>
where p are scikit-learn's predict_proba on the training rows themselves
(LogisticRegression, lbfgs, multinomial, converged tightly: tol 1e-10).
"""
import sys

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression


def fit(X, y, C, class_weight):
    kw = dict(C=C, solver="lbfgs", tol=1e-10, max_iter=100000, class_weight=class_weight)
    if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) < (1, 5):
        kw["multi_class"] = "multinomial"
    return LogisticRegression(**kw).fit(X, y)


def main(out_dir):
    rng = np.random.RandomState(20240501)
    # Dense: 200 x 30, 4 overlapping Gaussian classes (so probabilities are not all ~1).
    n, d, k = 200, 30, 4
    centers = rng.normal(0, 0.7, size=(k, d))
    y = rng.randint(0, k, size=n)
    X = (centers[y] + rng.normal(0, 1.0, size=(n, d))).astype(np.float32)
    m = fit(X.astype(np.float64), y, 0.5, None)
    P = m.predict_proba(X.astype(np.float64))
    with open(f"{out_dir}/lr_dense.txt", "w") as f:
        f.write(f"dense {n} {d} {k} 0.5 none\n")
        for i in range(n):
            f.write(f"{y[i]} " + " ".join("%.7g" % v for v in X[i]) + " | " +
                    " ".join("%.9g" % p for p in P[i]) + "\n")

    # Sparse: 300 x 500, 3 unbalanced classes, ~8 non-zeros per row, L2-normalised rows.
    n, d, k = 300, 500, 3
    y = rng.choice(k, size=n, p=[0.6, 0.3, 0.1])
    rows = []
    for i in range(n):
        cols = sorted(set(rng.randint(0, d, size=6).tolist() + [y[i] * 7, y[i] * 7 + 1 + rng.randint(0, 3)]))
        vals = rng.uniform(0.5, 2.0, size=len(cols))
        vals = (vals / np.linalg.norm(vals)).astype(np.float32)
        rows.append((cols, vals))
    data = [v for _, vals in rows for v in vals]
    ind = [c for cols, _ in rows for c in cols]
    ptr = np.cumsum([0] + [len(c) for c, _ in rows])
    X = sp.csr_matrix((np.array(data, dtype=np.float64), ind, ptr), shape=(n, d))
    m = fit(X, y, 2.0, "balanced")
    P = m.predict_proba(X)
    with open(f"{out_dir}/lr_sparse.txt", "w") as f:
        f.write(f"sparse {n} {d} {k} 2 balanced\n")
        for i, (cols, vals) in enumerate(rows):
            f.write(f"{y[i]} " + " ".join("%d:%.7g" % (c, v) for c, v in zip(cols, vals)) + " | " +
                    " ".join("%.9g" % p for p in P[i]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
