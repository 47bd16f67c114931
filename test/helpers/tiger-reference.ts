/**
 * An independent recursion for the Tiger POMDP (never imports the library):
 * the belief after listening is fixed by k = (# hear-left) − (# hear-right),
 *
 *   P(tiger left | k) = q^k / (q^k + (1 − q)^k),   q = 0.85,
 *
 * and opening a door resets the tiger (and the belief) to k = 0. With n steps to go,
 *
 *   V_n(k) = max( −1 + γ [P(hl|k) V_{n−1}(k+1) + P(hr|k) V_{n−1}(k−1)],
 *                 open-left:  −100 p + 10 (1 − p) + γ V_{n−1}(0),
 *                 open-right: 10 p − 100 (1 − p) + γ V_{n−1}(0) ),   V_0 ≡ 0.
 */
export function tigerValue(horizon: number, gamma: number, accuracy = 0.85): number {
  // V[k + n] for k in −n … n (beliefs reachable with n steps to go are enough)
  let prev = new Map<number, number>();
  const pLeft = (k: number) => {
    const a = Math.pow(accuracy, Math.max(k, 0)) * Math.pow(1 - accuracy, Math.max(-k, 0));
    const b = Math.pow(1 - accuracy, Math.max(k, 0)) * Math.pow(accuracy, Math.max(-k, 0));
    return a / (a + b);
  };
  const at = (m: Map<number, number>, k: number) => m.get(k) ?? 0;
  for (let n = 1; n <= horizon; n++) {
    const next = new Map<number, number>();
    // With `horizon − n` steps already taken, |k| ≤ horizon − n.
    const reach = horizon - n;
    for (let k = -reach; k <= reach; k++) {
      const p = pLeft(k);
      const hearLeft = p * accuracy + (1 - p) * (1 - accuracy);
      const listen = -1 + gamma * (hearLeft * at(prev, k + 1) + (1 - hearLeft) * at(prev, k - 1));
      const openLeft = -100 * p + 10 * (1 - p) + gamma * at(prev, 0);
      const openRight = 10 * p - 100 * (1 - p) + gamma * at(prev, 0);
      next.set(k, Math.max(listen, openLeft, openRight));
    }
    prev = next;
  }
  return at(prev, 0);
}
