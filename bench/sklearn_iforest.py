"""scikit-learn's IsolationForest on a CSV matrix: the reference for bench/iforest.ts (prints JSON).

Usage: sklearn_iforest.py MATRIX.csv SEEDS   (SEEDS like 1,2,3,4,5; times are of the first seed)
"""

import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest

x = np.loadtxt(sys.argv[1], delimiter=",")
seeds = [int(s) for s in sys.argv[2].split(",")]
runs = []
for seed in seeds:
    t = time.perf_counter()
    model = IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(x)
    train = time.perf_counter() - t
    t = time.perf_counter()
    scores = -model.score_samples(x)  # higher = more anomalous, like ours
    runs.append({"train_seconds": train, "score_seconds": time.perf_counter() - t, "scores": scores.tolist()})
print(json.dumps(runs))
