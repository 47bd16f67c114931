/**
 * Pendulum swing-up and continuous mountain car: soft actor-critic with a
 * Gaussian actor on two models that can only be simulated
 * (dsl-examples/models/continuous-control.ts). The action is a bounded torque
 * (force), so the actor is a tanh-squashed Gaussian,
 *
 *   z = W φ(s) + b + σ ε,   u = low + (high − low)(tanh z + 1)/2,
 *
 * linear in features φ(s) = (cos θ, sin θ, ω/8), and the twin critics are
 * quadratic in (φ(s), u). SAC minimises E[α log π(u|s) − min_i Q_i(s, u)]
 * through the reparameterised draw u(ε), with the log-det-Jacobian of the
 * squashing in log π (docs/engines/learning.md).
 *
 * The pendulum starts hanging (return −2 a step); pumping energy raises it, and
 * the learning curve shows the return climbing within a few thousand steps.
 * The mountain car's reward is flat (−1 a step) until the goal: a policy that
 * has never reached it has nothing to learn from but its own effort cost, so a
 * short run does not find it — the classic exploration problem — while the
 * energy-pumping rule u = sign(v) shows the goal can be reached.
 *
 * Run: npx tsx dsl-examples/pendulum.ts
 */
import { pathToFileURL } from 'node:url';
import { gaussianPolicy, gaussianPolicyOf, infer, learningFit, quadraticCritic, rng, simulatorOf, compileContinuous, softActorCritic, textPlot, type LearningFit } from '../src/index.js';
import { carFeatures, GOAL, mountainCar, pendulum, pendulumFeatures, type Car, type Pendulum } from './models/continuous-control.js';

export interface Options {
  /** Environment steps of SAC on the pendulum (default 10 000: 100 episodes of 100 decisions). */
  readonly steps?: number;
  /** Environment steps of SAC on the mountain car (default 4000). */
  readonly carSteps?: number;
  /** Columns of the learning-curve plots (default 60). */
  readonly plotWidth?: number;
  readonly seed?: number;
}

/** `cai run` uses the default export: the pendulum. */
export default pendulum();

const mean = (xs: ArrayLike<number>, from: number, to: number) => Array.from(xs).slice(from, to).reduce((s, v) => s + v, 0) / (to - from);

export function main(options: Options = {}): void {
  const seed = options.seed ?? 1;
  const width = options.plotWidth ?? 60;
  const steps = options.steps ?? 10_000;
  const T = 100;
  console.log(`Pendulum swing-up: T = ${T} decisions of 0.05 s, torque in [−2, 2], α = 0.1; soft actor-critic for ${steps} environment steps (seed ${seed}).`);
  const post = gaussianPolicyOf<Pendulum, LearningFit>(
    infer(
      pendulum(T),
      softActorCritic({
        steps,
        actor: gaussianPolicy({ features: pendulumFeatures, timeIndexed: false }),
        critic: quadraticCritic({ features: pendulumFeatures, timeIndexed: false }),
        learningRate: 0.01,
        seed,
        evaluationSamples: 20,
      }),
    ),
  );
  const { curves, episodes } = learningFit(post);
  console.log(textPlot(curves.return, { width, height: 8, title: `Return of each of the ${episodes} episodes (hanging still: −200)` }));
  const tenth = Math.max(1, Math.floor(curves.return.length / 10));
  const first = mean(curves.return, 0, tenth);
  const last = mean(curves.return, curves.return.length - tenth, curves.return.length);
  console.log(`mean return: first tenth of the run ${first.toFixed(1)}, last tenth ${last.toFixed(1)}`);
  // How high the learned policy swings: the best height cos θ of each of 20 episodes, averaged.
  const heights = post.sample(20, { seed: 2 }).map((τ) => Math.max(...τ.states.map((s) => Math.cos(s.th))));
  console.log(`the learned policy's highest point per episode (cos θ: −1 hanging, 1 upright), mean of 20: ${mean(heights, 0, heights.length).toFixed(2)}`);
  const pi = post.policy(0, { th: Math.PI / 2, w: 2 });
  console.log(`π(u | θ = π/2, ω = 2): z ~ N(${pi.mean[0]!.toFixed(3)}, ${pi.covariance[0]![0]!.toFixed(3)}), squashed into [−2, 2]`);

  const carSteps = options.carSteps ?? 4000;
  console.log('');
  console.log(`Continuous mountain car: T = 200, force in [−1, 1], −1 a step until p ≥ ${GOAL}; soft actor-critic for ${carSteps} steps (seed ${seed}).`);
  const car = gaussianPolicyOf<Car, LearningFit>(
    infer(mountainCar(), softActorCritic({ steps: carSteps, actor: gaussianPolicy({ features: carFeatures, timeIndexed: false }), critic: quadraticCritic({ features: carFeatures, timeIndexed: false }), seed, evaluationSamples: 20 })),
  );
  const carCurves = learningFit(car).curves;
  const reached = car.sample(20, { seed: 2 }).filter((τ) => τ.states.some((c) => c.p >= GOAL)).length;
  console.log(`mean return: first tenth ${mean(carCurves.return, 0, Math.max(1, Math.floor(carCurves.return.length / 10))).toFixed(1)}, last tenth ${mean(carCurves.return, carCurves.return.length - Math.max(1, Math.floor(carCurves.return.length / 10)), carCurves.return.length).toFixed(1)}; episodes of the learned policy that reach the goal: ${reached} of 20`);
  // The energy-pumping rule, simulated with the model's own functions.
  const sim = simulatorOf(compileContinuous(mountainCar()));
  let s = sim.initial(rng(0));
  let t = 0;
  for (; t < 200 && s.p < GOAL; t++) s = sim.step(s, Float64Array.of(s.v >= 0 ? 1 : -1), rng(0));
  console.log(`the rule u = sign(v) reaches the goal after ${t} steps: the reward is there, but only exploration finds it.`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
