/**
 * Lower tail of the binomial distribution, P(X ≤ k) for X ~ Binomial(n, p), summed in log space
 * so that n in the hundreds of thousands neither underflows nor overflows.
 */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const ratio = Math.log(p / (1 - p));
  let logTerm = n * Math.log1p(-p);
  let logSum = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1)) + ratio;
    logSum = logTerm > logSum ? logTerm + Math.log1p(Math.exp(logSum - logTerm)) : logSum + Math.log1p(Math.exp(logTerm - logSum));
  }
  return Math.min(1, Math.exp(logSum));
}
