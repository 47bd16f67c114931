/*
 * Reference implementation of the exact engine's backward pass, in C, for
 * `npm run bench`. Single-threaded, no allocation inside the timed region.
 *
 * The posterior backup with temperature 1 and no discount, in log space:
 *   B(s,a)   = log sum_k p_k exp(V_{t+1}(s'_k))        (absent at t = T-1)
 *   Q_t(s,a) = r(s,a) + B(s,a)
 *   V_t(s)   = log sum_a p(a|s) exp(Q_t(s,a))
 *
 * Variants, all on the same CSR arrays, all producing V_t for every t:
 *   naive  - a max-shifted log-sum-exp per transition row and per state:
 *            one exp per transition entry, one log per row;
 *   fast   - one global shift m per step: E(s') = exp(V_{t+1}(s') - m) once
 *            per state, then V_t(s) = c_s + m + log sum_a W(s,a) sum_k p_k E(s'_k)
 *            with W(s,a) = p(a|s) exp(r(s,a) - c_s), c_s = max_a r(s,a):
 *            one exp and one log per state, one multiply-add per entry;
 *   scaled - the same sums carried in linear space with one scale per step
 *            (E_t(s) = exp(c_s - C) total_t(s) / max, C = max_s c_s), so no
 *            exp or log runs per state inside the pass, and with W(s,a)
 *            folded into merged rows M(s,s') = sum_a W(s,a) p(s'|s,a), each
 *            successor once per state (formed once per pass, as the TS
 *            engine's foldWeights does), so each state is one multiply-add
 *            loop over its merged row; rows hold total_t(s)
 *            and the row's shift M_{t+1}, V_t(s) = c_s + M_{t+1} + log total_t(s).
 *            "scaled" stops there (logs left for later, as the TS engine's
 *            lazy rows do); "scaledlogs" also turns every row into V.
 *   merged - the floor for our own algorithm (bench/exact/c/merged.c): the
 *            merged rows of "scaled" with fast's one global shift per step,
 *            E(s') = exp(V_{t+1}(s') - m): one multiply-add per merged entry,
 *            one exp and one log per state, every V_t in hand; no underflow
 *            fallback (the benchmark's rewards never need it).
 * Where a state's sum underflows (< 1e-280) fast and scaled recompute it with
 * per-row shifts, so no shortcut changes a result beyond rounding.
 *
 * Input: the binary file written by bench/exact/ts-worker.ts
 *   char magic[4] = "CAIB"; int32 version = 1;
 *   int32 nS, nA, T, nnz;
 *   int32 rowStart[nS*nA + 1]; int32 next[nnz]; double prob[nnz];
 *   double reward[nS*nA]; double prior[nS*nA]; double v0[nS] (the TS engine's V_0)
 * (native byte order, packed).
 *
 * Usage: backward FILE [REPETITIONS]     (standalone: prints one JSON object)
 *        backward FILE --serve             (paired timing, driven by ts-worker.ts)
 *
 * Standalone, each of REPETITIONS timed samples runs enough back-to-back
 * passes to last >= 40 ms, after one untimed warm-up pass; the output gives,
 * per variant, the median (and min) time of one pass, ns per
 * (transition entry x step) = time / (nnz * T), and the largest
 * |V_0(C) - V_0(TS)|.
 *
 * Serve mode reads commands from stdin, one a line, and answers one line each:
 *   "<variant> B"  run B back-to-back passes; answer: "WALL CPU", seconds per pass
 *                  (CPU: this process's CPU clock over the B passes)
 *   "check"        answer: {"fast":d,"naive":d,"scaled":d,"merged":d}, d = max |V_0 - V_0(TS)|
 * and exits at end of input. It lets the TS worker alternate TS and C
 * samples, so that both see the same machine load.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  int32_t nS, nA, T, nnz;
  int32_t *rowStart, *next;
  double *prob, *reward, *prior, *v0;
} Grid;

/* Buffers shared by the variants, allocated once. */
typedef struct {
  double *values;    /* (T+1) x nS: V_t, or (scaled) total_t with rowShift[t] */
  double *weight;    /* nS x nA: W(s,a) */
  double *shift;     /* nS: c_s */
  double *scale;     /* nS: exp(c_s - C) */
  double *E;         /* nS: exp(V_{t+1} - shift) */
  double *nextE;     /* nS */
  double *rowShift;  /* T+1 */
  uint8_t *rowIsLog; /* T+1: row already holds V */
  double *q;         /* nA */
  double *weighted;  /* <= nnz: M(s,s'), the merged rows of scaled and merged */
  int32_t *successor;  /* <= nnz: s' of each merged entry */
  int32_t *stateStart; /* nS + 1: first merged entry of each state */
  int32_t *slot;       /* nS: where s' sits in the current state's merged row */
} Work;

enum { FAST, NAIVE, SCALED, SCALED_LOGS, MERGED, VARIANTS };
static const char *const NAMES[VARIANTS] = {"fast", "naive", "scaled", "scaledlogs", "merged"};

#define UNDERFLOW 1e-280
/* Each timed sample runs back-to-back passes for at least this long. */
#define MIN_SAMPLE_S 0.04

static void die(const char *msg) {
  fprintf(stderr, "backward: %s\n", msg);
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

static Grid load(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open input file");
  char magic[4];
  int32_t version;
  readExact(f, magic, 1, 4);
  if (memcmp(magic, "CAIB", 4) != 0) die("not a CAIB file");
  readExact(f, &version, 4, 1);
  if (version != 1) die("unsupported CAIB version");
  Grid g;
  readExact(f, &g.nS, 4, 1);
  readExact(f, &g.nA, 4, 1);
  readExact(f, &g.T, 4, 1);
  readExact(f, &g.nnz, 4, 1);
  if (g.nS < 1 || g.nA < 1 || g.T < 1 || g.nnz < 0) die("bad header");
  size_t rows = (size_t)g.nS * (size_t)g.nA;
  g.rowStart = xmalloc((rows + 1) * sizeof(int32_t));
  g.next = xmalloc((size_t)g.nnz * sizeof(int32_t));
  g.prob = xmalloc((size_t)g.nnz * sizeof(double));
  g.reward = xmalloc(rows * sizeof(double));
  g.prior = xmalloc(rows * sizeof(double));
  g.v0 = xmalloc((size_t)g.nS * sizeof(double));
  readExact(f, g.rowStart, sizeof(int32_t), rows + 1);
  readExact(f, g.next, sizeof(int32_t), (size_t)g.nnz);
  readExact(f, g.prob, sizeof(double), (size_t)g.nnz);
  readExact(f, g.reward, sizeof(double), rows);
  readExact(f, g.prior, sizeof(double), rows);
  readExact(f, g.v0, sizeof(double), (size_t)g.nS);
  fclose(f);
  if (g.rowStart[rows] != g.nnz) die("CSR row starts do not end at nnz");
  return g;
}

static Work allocate(const Grid *g) {
  const size_t nS = (size_t)g->nS, steps = (size_t)g->T + 1;
  Work w;
  w.values = xmalloc(steps * nS * sizeof(double));
  w.weight = xmalloc(nS * (size_t)g->nA * sizeof(double));
  w.shift = xmalloc(nS * sizeof(double));
  w.scale = xmalloc(nS * sizeof(double));
  w.E = xmalloc(nS * sizeof(double));
  w.nextE = xmalloc(nS * sizeof(double));
  w.rowShift = xmalloc(steps * sizeof(double));
  w.rowIsLog = xmalloc(steps);
  w.q = xmalloc((size_t)g->nA * sizeof(double));
  w.weighted = xmalloc((size_t)g->nnz * sizeof(double));
  w.successor = xmalloc((size_t)g->nnz * sizeof(int32_t));
  w.stateStart = xmalloc((nS + 1) * sizeof(int32_t));
  w.slot = xmalloc(nS * sizeof(int32_t));
  return w;
}

/* ---------- exact per-row log-sum-exp (naive, and the fallback of the others) ---------- */

/* log sum_k p_k exp(V'(s'_k)) with the row's own max: one exp per entry. */
static double rowBackup(const Grid *g, const double *next, int32_t row) {
  const int32_t start = g->rowStart[row], end = g->rowStart[row + 1];
  double m = -INFINITY;
  for (int32_t k = start; k < end; k++)
    if (next[g->next[k]] > m) m = next[g->next[k]];
  if (m == -INFINITY) return m;
  double sum = 0;
  for (int32_t k = start; k < end; k++) sum += g->prob[k] * exp(next[g->next[k]] - m);
  return m + log(sum);
}

/* V(s) = log sum_a p(a|s) exp(Q(s,a)) for one state; next == NULL at t = T-1. */
static double stateValue(const Grid *g, const double *next, int32_t s, double *q) {
  const int32_t nA = g->nA;
  double m = -INFINITY;
  for (int32_t a = 0; a < nA; a++) {
    const int32_t row = s * nA + a;
    const double r = g->reward[row];
    double v = r;
    if (next && r != -INFINITY) {
      const double b = rowBackup(g, next, row);
      v = b == -INFINITY ? -INFINITY : r + b;
    }
    q[a] = v;
    if (g->prior[row] > 0 && v > m) m = v;
  }
  if (m == -INFINITY) return m;
  double sum = 0;
  for (int32_t a = 0; a < nA; a++) {
    const double p = g->prior[s * nA + a];
    if (p > 0) sum += p * exp(q[a] - m);
  }
  return m + log(sum);
}

/* values: (T+1) x nS; row T is V_T = 0 (no terminal factor) and unused. */
static void backwardNaive(const Grid *g, Work *w) {
  const int32_t nS = g->nS, T = g->T;
  memset(w->values + (size_t)T * nS, 0, (size_t)nS * sizeof(double));
  for (int32_t t = T - 1; t >= 0; t--) {
    const double *next = t == T - 1 ? NULL : w->values + (size_t)(t + 1) * nS;
    double *out = w->values + (size_t)t * nS;
    for (int32_t s = 0; s < nS; s++) out[s] = stateValue(g, next, s, w->q);
  }
}

/* ---------- shared by fast and scaled ---------- */

/* W(s,a) = p(a|s) exp(r(s,a) - c_s), c_s = max over allowed actions. */
static void prepareWeights(const Grid *g, Work *w) {
  const int32_t nS = g->nS, nA = g->nA;
  for (int32_t s = 0; s < nS; s++) {
    double c = -INFINITY;
    for (int32_t a = 0; a < nA; a++) {
      const int32_t row = s * nA + a;
      if (g->prior[row] > 0 && g->reward[row] > c) c = g->reward[row];
    }
    w->shift[s] = c;
    for (int32_t a = 0; a < nA; a++) {
      const int32_t row = s * nA + a;
      const double p = g->prior[row];
      w->weight[row] = (c == -INFINITY || p == 0) ? 0 : p * exp(g->reward[row] - c);
    }
  }
}

/* total(s) = sum_a W(s,a) sum_k p_k E(s'_k); returns 1 if a feasible state's total underflowed. */
static int accumulate(const Grid *g, const Work *w, const double *restrict E, double *restrict totals) {
  const int32_t nS = g->nS, nA = g->nA;
  const int32_t *restrict rowStart = g->rowStart;
  const int32_t *restrict succ = g->next;
  const double *restrict prob = g->prob;
  const double *restrict weight = w->weight;
  int fallback = 0;
  for (int32_t s = 0; s < nS; s++) {
    if (w->shift[s] == -INFINITY) {
      totals[s] = 0;
      continue;
    }
    double total = 0;
    int32_t row = s * nA;
    for (int32_t a = 0; a < nA; a++, row++) {
      const double wt = weight[row];
      if (wt == 0) continue;
      double inner = 0;
      const int32_t end = rowStart[row + 1];
      for (int32_t k = rowStart[row]; k < end; k++) inner += prob[k] * E[succ[k]];
      total += wt * inner;
    }
    totals[s] = total;
    if (total < UNDERFLOW) fallback = 1;
  }
  return fallback;
}

/* M(s,s') = sum_a W(s,a) p(s'|s,a) as CSR over states, each successor once (as the engine's foldWeights). */
static void foldWeights(const Grid *g, Work *w) {
  const int32_t nS = g->nS, nA = g->nA;
  for (int32_t s = 0; s < nS; s++) w->slot[s] = -1;
  int32_t size = 0;
  for (int32_t s = 0; s < nS; s++) {
    w->stateStart[s] = size;
    for (int32_t row = s * nA; row < (s + 1) * nA; row++) {
      const double wt = w->weight[row];
      if (wt == 0) continue;
      for (int32_t k = g->rowStart[row]; k < g->rowStart[row + 1]; k++) {
        const int32_t j = g->next[k];
        if (w->slot[j] >= w->stateStart[s]) w->weighted[w->slot[j]] += wt * g->prob[k];
        else {
          w->slot[j] = size;
          w->successor[size] = j;
          w->weighted[size++] = wt * g->prob[k];
        }
      }
    }
  }
  w->stateStart[nS] = size;
}

/* total(s) = sum over the state's merged row of M(s,s') E(s'); returns 1 if a feasible state's total underflowed. */
static int accumulateFolded(const Grid *g, const Work *w, const double *restrict E, double *restrict totals) {
  const int32_t nS = g->nS;
  const int32_t *restrict stateStart = w->stateStart;
  const int32_t *restrict succ = w->successor;
  const double *restrict weighted = w->weighted;
  int fallback = 0;
  int32_t k = stateStart[0];
  for (int32_t s = 0; s < nS; s++) {
    double total = 0;
    const int32_t end = stateStart[s + 1];
    for (; k < end; k++) total += weighted[k] * E[succ[k]];
    totals[s] = total;
    if (total < UNDERFLOW && w->shift[s] != -INFINITY) fallback = 1;
  }
  return fallback;
}

static void backwardFast(const Grid *g, Work *w) {
  const int32_t nS = g->nS, nA = g->nA, T = g->T;
  prepareWeights(g, w);
  memset(w->values + (size_t)T * nS, 0, (size_t)nS * sizeof(double));
  /* t = T-1: V(s) = c_s + log sum_a W(s,a). */
  {
    double *out = w->values + (size_t)(T - 1) * nS;
    for (int32_t s = 0; s < nS; s++) {
      double sum = 0;
      for (int32_t a = 0; a < nA; a++) sum += w->weight[s * nA + a];
      out[s] = w->shift[s] == -INFINITY ? -INFINITY : w->shift[s] + log(sum);
    }
  }
  for (int32_t t = T - 2; t >= 0; t--) {
    const double *restrict next = w->values + (size_t)(t + 1) * nS;
    double *restrict out = w->values + (size_t)t * nS;
    double m = -INFINITY;
    for (int32_t s = 0; s < nS; s++)
      if (next[s] > m) m = next[s];
    if (m == -INFINITY) {
      for (int32_t s = 0; s < nS; s++) out[s] = -INFINITY;
      continue;
    }
    for (int32_t s = 0; s < nS; s++) w->E[s] = exp(next[s] - m);
    accumulate(g, w, w->E, out); /* totals into out, then turned into V in place */
    for (int32_t s = 0; s < nS; s++) {
      const double c = w->shift[s];
      const double total = out[s];
      out[s] = c == -INFINITY ? -INFINITY : total >= UNDERFLOW ? c + m + log(total) : stateValue(g, next, s, w->q);
    }
  }
}

/* ---------- scaled: linear space, one scale per step ---------- */

/* Row t as V (in place): V = c_s + rowShift[t] + log total. */
static void rowToLog(const Grid *g, Work *w, int32_t t) {
  if (w->rowIsLog[t]) return;
  double *row = w->values + (size_t)t * g->nS;
  const double shift = w->rowShift[t];
  for (int32_t s = 0; s < g->nS; s++) {
    const double c = w->shift[s], total = row[s];
    row[s] = (c == -INFINITY || total == 0) ? -INFINITY : c + shift + log(total);
  }
  w->rowIsLog[t] = 1;
}

/* E = scale * total / max; returns the new shift M + C + log max (-inf if all zero). */
static double rescale(const Grid *g, const double *restrict totals, const double *restrict scale, double *restrict out, double M, double C) {
  double max = 0;
  for (int32_t s = 0; s < g->nS; s++) {
    const double e = scale[s] * totals[s];
    out[s] = e;
    if (e > max) max = e;
  }
  if (max == 0) return -INFINITY;
  const double K = 1 / max;
  for (int32_t s = 0; s < g->nS; s++) out[s] *= K;
  return M + C + log(max);
}

static void backwardScaled(const Grid *g, Work *w) {
  const int32_t nS = g->nS, nA = g->nA, T = g->T;
  prepareWeights(g, w);
  foldWeights(g, w);
  double C = -INFINITY;
  for (int32_t s = 0; s < nS; s++)
    if (w->shift[s] > C) C = w->shift[s];
  for (int32_t s = 0; s < nS; s++) w->scale[s] = w->shift[s] == -INFINITY ? 0 : exp(w->shift[s] - C);
  memset(w->values + (size_t)T * nS, 0, (size_t)nS * sizeof(double));
  w->rowIsLog[T] = 1;
  double *E = w->E, *nextE = w->nextE;
  /* t = T-1: total(s) = sum_a W(s,a), shift 0. */
  double *totals = w->values + (size_t)(T - 1) * nS;
  for (int32_t s = 0; s < nS; s++) {
    double sum = 0;
    for (int32_t a = 0; a < nA; a++) sum += w->weight[s * nA + a];
    totals[s] = sum;
  }
  w->rowShift[T - 1] = 0;
  w->rowIsLog[T - 1] = 0;
  double M = rescale(g, totals, w->scale, E, 0, C);
  for (int32_t t = T - 2; t >= 0; t--) {
    if (M == -INFINITY) { /* nothing feasible from t + 1 on */
      for (int32_t u = t; u >= 0; u--) {
        for (int32_t s = 0; s < nS; s++) w->values[(size_t)u * nS + s] = -INFINITY;
        w->rowIsLog[u] = 1;
      }
      return;
    }
    totals = w->values + (size_t)t * nS;
    w->rowShift[t] = M;
    w->rowIsLog[t] = 0;
    double nextM;
    if (accumulateFolded(g, w, E, totals)) {
      /* Rare: recompute underflowed states in log space from the exact V_{t+1}, then E from V_t. */
      rowToLog(g, w, t + 1);
      const double *next = w->values + (size_t)(t + 1) * nS;
      for (int32_t s = 0; s < nS; s++) {
        const double c = w->shift[s], total = totals[s];
        totals[s] = c == -INFINITY ? -INFINITY : total >= UNDERFLOW ? c + M + log(total) : stateValue(g, next, s, w->q);
      }
      w->rowIsLog[t] = 1;
      nextM = -INFINITY;
      for (int32_t s = 0; s < nS; s++)
        if (totals[s] > nextM) nextM = totals[s];
      for (int32_t s = 0; s < nS; s++) nextE[s] = nextM == -INFINITY ? 0 : exp(totals[s] - nextM);
    } else {
      nextM = rescale(g, totals, w->scale, nextE, M, C);
    }
    double *swap = E;
    E = nextE;
    nextE = swap;
    M = nextM;
  }
}

static void backwardScaledLogs(const Grid *g, Work *w) {
  backwardScaled(g, w);
  for (int32_t t = 0; t <= g->T; t++) rowToLog(g, w, t);
}

/* merged: the merged rows with one global shift per step; every V_t in hand (bench/exact/c/merged.c). */
static void backwardMerged(const Grid *g, Work *w) {
  const int32_t nS = g->nS, T = g->T;
  prepareWeights(g, w);
  foldWeights(g, w);
  const int32_t *restrict start = w->stateStart;
  const int32_t *restrict succ = w->successor;
  const double *restrict weighted = w->weighted;
  double *restrict E = w->E;
  memset(w->values + (size_t)T * nS, 0, (size_t)nS * sizeof(double));
  for (int32_t t = T - 1; t >= 0; t--) {
    const double *restrict next = w->values + (size_t)(t + 1) * nS;
    double *restrict out = w->values + (size_t)t * nS;
    double m = -INFINITY;
    for (int32_t s = 0; s < nS; s++)
      if (next[s] > m) m = next[s];
    for (int32_t s = 0; s < nS; s++) E[s] = exp(next[s] - m);
    int32_t j = 0;
    for (int32_t s = 0; s < nS; s++) {
      double total = 0;
      const int32_t end = start[s + 1];
      for (; j < end; j++) total += weighted[j] * E[succ[j]];
      out[s] = w->shift[s] == -INFINITY || total == 0 ? -INFINITY : w->shift[s] + m + log(total);
    }
  }
}

static void runVariant(int variant, const Grid *g, Work *w) {
  switch (variant) {
  case FAST: backwardFast(g, w); break;
  case NAIVE: backwardNaive(g, w); break;
  case SCALED: backwardScaled(g, w); break;
  case MERGED: backwardMerged(g, w); break;
  default: backwardScaledLogs(g, w); break;
  }
}

/* ---------- timing and checks ---------- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpuNow(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *xs, int n) {
  qsort(xs, (size_t)n, sizeof(double), cmp);
  return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

static double maxAbsDiff(const double *a, const double *b, int32_t n) {
  double d = 0;
  for (int32_t i = 0; i < n; i++) {
    const double e = a[i] == b[i] ? 0 : fabs(a[i] - b[i]);
    if (!(e <= d)) d = e; /* NaN propagates */
  }
  return d;
}

/* Largest |V_0 - V_0(TS)| after one pass of `variant` (scaled: with its logs). */
static double check(int variant, const Grid *g, Work *w) {
  runVariant(variant == SCALED ? SCALED_LOGS : variant, g, w);
  return maxAbsDiff(w->values, g->v0, g->nS);
}

static int variantNamed(const char *name) {
  for (int v = 0; v < VARIANTS; v++)
    if (strcmp(name, NAMES[v]) == 0) return v;
  return -1;
}

static void serve(const Grid *g, Work *w) {
  char line[128];
  printf("ready\n");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    char what[32];
    int batch = 0;
    if (sscanf(line, "%31s %d", what, &batch) < 1) continue;
    const int variant = variantNamed(what);
    if (strcmp(what, "check") == 0) {
      const double fast = check(FAST, g, w), naive = check(NAIVE, g, w), scaled = check(SCALED, g, w), merged = check(MERGED, g, w);
      printf("{\"fast\":%.3e,\"naive\":%.3e,\"scaled\":%.3e,\"merged\":%.3e}\n", fast, naive, scaled, merged);
    } else if (variant >= 0 && batch >= 1) {
      const double t0 = now(), c0 = cpuNow();
      for (int b = 0; b < batch; b++) runVariant(variant, g, w);
      const double c1 = cpuNow();
      printf("%.9e %.9e\n", (now() - t0) / batch, (c1 - c0) / batch);
    } else {
      printf("error unknown command\n");
    }
    fflush(stdout);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) die("usage: backward FILE [REPETITIONS | --serve]");
  const int serving = argc > 2 && strcmp(argv[2], "--serve") == 0;
  const int reps = argc > 2 && !serving ? atoi(argv[2]) : 7;
  if (reps < 1) die("REPETITIONS must be at least 1");
  const Grid g = load(argv[1]);
  Work w = allocate(&g);
  if (serving) {
    serve(&g, &w);
    return 0;
  }
  double *times = xmalloc((size_t)reps * sizeof(double));
  const double entrySteps = (double)g.nnz * (double)g.T;
  printf("{\"nS\":%d,\"nA\":%d,\"T\":%d,\"nnz\":%d,\"repetitions\":%d", g.nS, g.nA, g.T, g.nnz, reps);
  for (int variant = 0; variant < VARIANTS; variant++) {
    /* one untimed warm-up pass (page faults, caches), which also sizes the batches */
    const double w0 = now();
    runVariant(variant, &g, &w);
    const double once = now() - w0;
    const int batch = once >= MIN_SAMPLE_S ? 1 : (int)ceil(MIN_SAMPLE_S / (once > 1e-7 ? once : 1e-7));
    for (int r = 0; r < reps; r++) {
      const double t0 = now();
      for (int b = 0; b < batch; b++) runVariant(variant, &g, &w);
      times[r] = (now() - t0) / batch;
    }
    const double med = median(times, reps);
    printf(",\"%s\":{\"batch\":%d,\"medianMs\":%.6f,\"minMs\":%.6f,\"nsPerEntryStep\":%.6f,\"maxAbsDiffV0\":%.3e}", NAMES[variant], batch, med * 1e3,
           times[0] * 1e3, med * 1e9 / entrySteps, check(variant, &g, &w));
  }
  printf("}\n");
  return 0;
}
