"""scikit-learn's IsolationForest on a CSV matrix: the reference for bench/iforest.ts (prints JSON)."""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest

x = np.loadtxt(sys.argv[1], delimiter=",")
t = time.perf_counter()
model = IsolationForest(n_estimators=100, max_samples=256, random_state=42).fit(x)
train = time.perf_counter() - t
t = time.perf_counter()
scores = -model.score_samples(x)  # higher = more anomalous, like ours
score = time.perf_counter() - t
print(json.dumps({"train_seconds": train, "score_seconds": score, "scores": scores.tolist()}))
