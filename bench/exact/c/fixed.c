/*
 * The fixed-dynamics backup in C, the peer of the engine's fused step
 * (src/engines/exact/backup.ts, `fixedDynamicsStep`), for
 * bench/exact/fixed-floor.ts. The same algorithm on the same CSR arrays:
 *
 *   Q_t(s,a) = r(s,a) + (c + sum_k p_k (V_{t+1}(s'_k) - c))   (c = V_{t+1} of the row's first successor; Q_{T-1} = r)
 *   V_t(s)   = m + log sum_a p(a|s) exp(Q_t(s,a) - m),  m = max_a Q_t(s,a)
 *
 * (alpha = 1, gamma = 1, finite rewards, as the CAIB file promises), one
 * loop per state, the max action's term taken as p (no exp), libm's exp and
 * log, every V_t kept (an S x (T+1) table, as the engine).
 *
 * Input: a CAIB file (bench/exact/caib.ts) whose v0 is the engine's V_0.
 * Usage: fixed FILE [REPETITIONS]  -> one JSON line: median CPU and wall
 * seconds per pass, ns per (transition entry x step) = CPU / (nnz * T), and
 * the largest |V_0(C) - V_0(TS)|. Each sample is one pass after one warm-up.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *msg) {
  fprintf(stderr, "fixed: %s\n", msg);
  exit(2);
}

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) die("out of memory");
  return p;
}

static void readExact(FILE *f, void *dst, size_t size, size_t count) {
  if (fread(dst, size, count, f) != count) die("truncated input file");
}

static double seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) die("usage: fixed FILE [REPETITIONS]");
  const int reps = argc > 2 ? atoi(argv[2]) : 5;
  if (reps < 1) die("REPETITIONS must be >= 1");
  FILE *f = fopen(argv[1], "rb");
  if (!f) die("cannot open input file");
  char magic[4];
  int32_t version, nS, nA, T, nnz;
  readExact(f, magic, 1, 4);
  if (memcmp(magic, "CAIB", 4) != 0) die("not a CAIB file");
  readExact(f, &version, 4, 1);
  readExact(f, &nS, 4, 1);
  readExact(f, &nA, 4, 1);
  readExact(f, &T, 4, 1);
  readExact(f, &nnz, 4, 1);
  if (version != 1 || nS < 1 || nA < 1 || T < 1 || nnz < 1) die("bad header");
  const size_t rows = (size_t)nS * (size_t)nA;
  int32_t *rowStart = xmalloc((rows + 1) * sizeof(int32_t));
  int32_t *next = xmalloc((size_t)nnz * sizeof(int32_t));
  double *prob = xmalloc((size_t)nnz * sizeof(double));
  double *reward = xmalloc(rows * sizeof(double));
  double *prior = xmalloc(rows * sizeof(double));
  double *v0 = xmalloc((size_t)nS * sizeof(double));
  readExact(f, rowStart, 4, rows + 1);
  readExact(f, next, 4, (size_t)nnz);
  readExact(f, prob, 8, (size_t)nnz);
  readExact(f, reward, 8, rows);
  readExact(f, prior, 8, rows);
  readExact(f, v0, 8, (size_t)nS);
  fclose(f);
  double *values = xmalloc(((size_t)T + 1) * (size_t)nS * sizeof(double));
  double *q = xmalloc((size_t)nA * sizeof(double));
  double *cpu = xmalloc((size_t)reps * sizeof(double));
  double *wall = xmalloc((size_t)reps * sizeof(double));

  for (int rep = -1; rep < reps; rep++) {
    const double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC);
    memset(values + (size_t)T * nS, 0, (size_t)nS * sizeof(double));
    for (int t = T - 1; t >= 0; t--) {
      const double *V = values + (size_t)(t + 1) * nS;
      double *out = values + (size_t)t * nS;
      for (int32_t s = 0; s < nS; s++) {
        const size_t base = (size_t)s * nA;
        double m = -INFINITY;
        int top = -1;
        for (int a = 0; a < nA; a++) {
          const size_t row = base + a;
          double value = reward[row];
          if (t < T - 1) {
            const int32_t start = rowStart[row], end = rowStart[row + 1];
            const double c = V[next[start]];
            double deviation = 0;
            for (int32_t k = start; k < end; k++) deviation += prob[k] * (V[next[k]] - c);
            value += c + deviation;
          }
          q[a] = value;
          if (prior[row] > 0 && value > m) {
            m = value;
            top = a;
          }
        }
        double sum = 0;
        for (int a = 0; a < nA; a++) {
          const double p = prior[base + a];
          if (p > 0) sum += a == top ? p : p * exp(q[a] - m);
        }
        out[s] = m + log(sum);
      }
    }
    if (rep >= 0) {
      cpu[rep] = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
      wall[rep] = seconds(CLOCK_MONOTONIC) - w0;
    }
  }
  double worst = 0;
  for (int32_t s = 0; s < nS; s++) {
    const double d = fabs(values[s] - v0[s]);
    if (!(d <= worst)) worst = d;
  }
  qsort(cpu, (size_t)reps, sizeof(double), compare);
  qsort(wall, (size_t)reps, sizeof(double), compare);
  const double cpuS = cpu[reps / 2], wallS = wall[reps / 2];
  printf("{\"cpuS\":%.6g,\"wallS\":%.6g,\"nsPerEntryStep\":%.4g,\"maxAbsDiffV0\":%.3g}\n", cpuS, wallS, cpuS * 1e9 / ((double)nnz * T), worst);
  return 0;
}
