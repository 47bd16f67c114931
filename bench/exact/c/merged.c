/*
 * The floor for our own algorithm: the posterior backward pass on merged rows.
 *
 * For a stationary reward the action sum folds into the dynamics once:
 *   w(s, s') = sum_a p(a|s) exp(r(s,a) - c_s) p(s'|s,a),   c_s = max_a r(s,a)
 * merged so that each successor appears once per state. Every step is then
 *   m = max_s' V_{t+1}(s'),  E(s') = exp(V_{t+1}(s') - m),
 *   V_t(s) = c_s + m + log sum_{s'} w(s, s') E(s')
 * — one multiply-add per merged entry, one exp and one log per state: every
 * V_t in hand, as the TS engine's V(t) gives. No underflow fallback (a floor,
 * not a product: the benchmark's rewards never need it).
 *
 *   merged FILE.caib REPS   -> one JSON line: median wall ms, mean CPU ms and min ms of one pass, merged nnz,
 *                              ns per (original entry x step), max |V_0 - V_0(TS)|
 * Build: gcc -O3 -march=native -o merged merged.c -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *msg) { fprintf(stderr, "merged: %s\n", msg); exit(1); }
static void *xmalloc(size_t bytes) { void *p = malloc(bytes ? bytes : 1); if (!p) die("out of memory"); return p; }
static void readExact(FILE *f, void *dst, size_t size, size_t count) { if (fread(dst, size, count, f) != count) die("short read"); }

int main(int argc, char **argv) {
  if (argc != 3) die("usage: merged FILE.caib REPS");
  const int reps = atoi(argv[2]);
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
  const size_t rows = (size_t)nS * nA;
  int32_t *rowStart = xmalloc((rows + 1) * 4), *next = xmalloc((size_t)nnz * 4);
  double *prob = xmalloc((size_t)nnz * 8), *reward = xmalloc(rows * 8), *prior = xmalloc(rows * 8), *v0 = xmalloc((size_t)nS * 8);
  readExact(f, rowStart, 4, rows + 1);
  readExact(f, next, 4, (size_t)nnz);
  readExact(f, prob, 8, (size_t)nnz);
  readExact(f, reward, 8, rows);
  readExact(f, prior, 8, rows);
  readExact(f, v0, 8, (size_t)nS);
  fclose(f);

  /* Merge: per state, w over distinct successors (pos[s'] = slot in the current state's row). */
  int32_t *start = xmalloc(((size_t)nS + 1) * 4), *succ = xmalloc((size_t)nnz * 4), *pos = xmalloc((size_t)nS * 4);
  double *w = xmalloc((size_t)nnz * 8), *shift = xmalloc((size_t)nS * 8);
  for (int32_t s = 0; s < nS; s++) pos[s] = -1;
  int32_t k = 0;
  for (int32_t s = 0; s < nS; s++) {
    start[s] = k;
    double c = -INFINITY;
    for (int32_t a = 0; a < nA; a++) if (prior[s * nA + a] > 0 && reward[s * nA + a] > c) c = reward[s * nA + a];
    shift[s] = c;
    if (c == -INFINITY) continue;
    for (int32_t a = 0; a < nA; a++) {
      const int32_t row = s * nA + a;
      if (prior[row] == 0) continue;
      const double wa = prior[row] * exp(reward[row] - c);
      for (int32_t e = rowStart[row]; e < rowStart[row + 1]; e++) {
        const int32_t to = next[e];
        if (pos[to] < start[s]) { pos[to] = k; succ[k] = to; w[k++] = 0; }
        w[pos[to]] += wa * prob[e];
      }
    }
  }
  start[nS] = k;
  const int32_t merged = k;

  double *values = xmalloc(((size_t)T + 1) * nS * 8), *E = xmalloc((size_t)nS * 8), *times = xmalloc((size_t)reps * 8);
  /* CPU time over all timed passes (this machine's process CPU clock ticks too coarsely for one pass). */
  struct timespec cpu0, cpu1;
  for (int r = -1; r < reps; r++) {
    struct timespec t0, t1;
    if (r == 0) clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(values + (size_t)T * nS, 0, (size_t)nS * 8);
    for (int32_t t = T - 1; t >= 0; t--) {
      const double *restrict nextV = values + (size_t)(t + 1) * nS;
      double *restrict out = values + (size_t)t * nS;
      double m = -INFINITY;
      for (int32_t s = 0; s < nS; s++) if (nextV[s] > m) m = nextV[s];
      for (int32_t s = 0; s < nS; s++) E[s] = exp(nextV[s] - m);
      int32_t j = 0;
      for (int32_t s = 0; s < nS; s++) {
        double total = 0;
        const int32_t end = start[s + 1];
        for (; j < end; j++) total += w[j] * E[succ[j]];
        out[s] = shift[s] == -INFINITY || total == 0 ? -INFINITY : shift[s] + m + log(total);
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (r >= 0) times[r] = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
  const double medCpu = ((double)(cpu1.tv_sec - cpu0.tv_sec) + 1e-9 * (double)(cpu1.tv_nsec - cpu0.tv_nsec)) / reps;
  double worst = 0;
  for (int32_t s = 0; s < nS; s++) {
    const double d = values[s] == v0[s] ? 0 : fabs(values[s] - v0[s]);
    if (!(d <= worst)) worst = d;
  }
  /* medians (sorted in place) and min */
  for (int i = 1; i < reps; i++) for (int j2 = i; j2 > 0 && times[j2 - 1] > times[j2]; j2--) { const double x = times[j2]; times[j2] = times[j2 - 1]; times[j2 - 1] = x; }
  const double med = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
  printf("{\"medianMs\":%.6f,\"meanCpuMs\":%.6f,\"minMs\":%.6f,\"mergedNnz\":%d,\"nnz\":%d,\"nsPerEntryStep\":%.6f,\"nsPerMergedEntryStep\":%.6f,\"maxAbsDiffV0\":%.3e}\n", med * 1e3, medCpu * 1e3, times[0] * 1e3, merged, nnz,
         med * 1e9 / ((double)nnz * T), med * 1e9 / ((double)merged * T), worst);
  return 0;
}
