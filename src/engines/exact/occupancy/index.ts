/**
 * A reusable solver for one compiled graph whose reward table changes from
 * call to call (inverse RL evaluates hundreds of rewards on the same
 * dynamics): a backward pass, log-probabilities of given steps, and a fused
 * forward pass that accumulates occupancies Σ_t m_t(s) (and, when asked,
 * D(s,a) = Σ_t m_t(s) π_t(a|s)) from arbitrary signed injected sources.
 * Finite horizon, γ = 1, α > 0, no terminal factor. Nothing is allocated per call.
 *
 * Posterior backup (exact p(τ|O)), in linear space with one shift per step.
 * With c_s = max_a r(s,a), W(s,a) = p(a|s) exp((r(s,a) − c_s)/α),
 * E_{t+1}(s') = exp((V_{t+1}(s') − M_{t+1})/α) and the merged rows
 * M(s,s') = Σ_a W(s,a) p(s'|s,a):
 *
 *   total_t(s)  = Σ_{s'} M(s,s') E_{t+1}(s')                 (total_{T−1}(s) = Σ_a W(s,a))
 *   V_t(s)      = c_s + M_{t+1} + α log total_t(s)
 *   S_t(s,a)    = Σ_{s'} p(s'|s,a) E_{t+1}(s')               (on demand only)
 *   π_t(a|s)    = W(s,a) S_t(s,a) / total_t(s)
 *   K_t(s'|s,a) = p(s'|s,a) E_{t+1}(s') / S_t(s,a)          (the tilted dynamics)
 *   m_{t+1}     = E_{t+1} ⊙ Mᵀ(m_t ⊘ total_t)                (π K summed over a; no policy table)
 *
 * A state whose total underflows is redone exactly in log space from V_{t+1}.
 *
 * Fixed-dynamics backup (the maximum causal entropy policy): Q_t = r + E[V_{t+1}],
 * V_t = α log Σ_a p(a|s) exp(Q_t/α), π_t = p(a|s) exp((Q_t − V_t)/α) kept for
 * every t, and the forward pass pushes mass through p(s'|s,a) itself.
 *
 * Files:
 *   solver.ts              OccupancySolver: solve / forward, and log π, log K, one step, the start
 *   state.ts               the tables (allocated once), the lazy V_t row and S_t(s,a)
 *   merged-rows.ts         the layout of M(s,s') and its gather / scatter loops
 *   posterior-backward.ts  the scaled backward pass, log p(O) and p(s_0 | O)
 *   posterior-forward.ts   m_{t+1} = E_{t+1} ⊙ Mᵀ(m_t ⊘ total_t), the pairs, the redone states
 *   fixed-dynamics.ts      the fixed-dynamics backward and forward passes
 *   log-space.ts           the exact log-space fallback for underflowed states
 *
 * These are the recursions of the exact engine's backup.ts/scaled.ts/policy.ts
 * (this folder only adds; the engine's files are untouched); test/irl.test.ts
 * checks values, policies, log-probabilities and occupancies against `exact()` posteriors.
 */
export { OccupancySolver, occupancySolver } from './solver.js';
export type { Inject } from './state.js';
