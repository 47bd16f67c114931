/**
 * control-as-inference: optimal control written as a graphical model and
 * solved by inference. Named exports only; types live in `src/types`.
 *
 * This entry is browser-safe: nothing reachable from it imports a `node:`
 * module or WebAssembly (test/package-tarball.test.ts bundles it and checks). Pictures
 * drawn with Vega-Lite or Graphviz live in `control-as-inference/viz`, file
 * reading in `control-as-inference/node`, the property-test kit in
 * `control-as-inference/testing`.
 */
export { model, extend, state, action, transition, optimality, temperature, horizon, discount } from './dsl/index.js';
export type { StateOptions, SimulatedStateOptions, ActionOptions, OptimalityOptions } from './dsl/index.js';
export { observation } from './dsl/index.js';
export type { ObservationOptions } from './dsl/index.js';
export { linearGaussian, linearObservation, quadratic, multivariateNormal } from './dsl/continuous.js';
export { continuousAction } from './dsl/continuous-action.js';
export type { ContinuousActionOptions, MultivariateNormal } from './dsl/continuous-action.js';
export type { Matrix, Vector, LinearGaussianSpec, LinearObservationSpec, QuadraticSpec, QuadraticTerminalSpec, LinearGaussianGraph } from './types/gaussian.js';
export { gaussianPosterior, isGaussianPosterior, lqgPosterior, isLqgPosterior } from './engines/exact/gaussian/posterior-guard.js';
export type { GaussianPosterior, GaussianMoments, GaussianTrajectory, GaussianEvaluation, LinearGaussianPolicy, QuadraticFunction, QuadraticActionValue, LqgPosterior, LqgHistory } from './engines/exact/gaussian/index.js';
export { beliefPosterior, isBeliefPosterior } from './posterior/belief.js';
export { sampler, isSampler } from './dist/sampler.js';
export type { Sampler } from './dist/sampler.js';
export { compileModel, simulatorGraph, simulatorOf, tableSimulator } from './simulate/index.js';
// Continuous actions simulated (issue 19 part 3).
export { compileContinuous } from './simulate/continuous-simulator.js';
export type { ContinuousSimulator, ContinuousSimulatorGraph, ActionBounds } from './types/continuous.js';
export { gaussianPolicy, gaussianPolicyOf, isGaussianPolicyPosterior } from './engines/variational/index.js';
export type { GaussianPolicyOptions, GaussianPolicyFamily, GaussianPolicyPosterior, GaussianPolicy, ContinuousTrajectory } from './engines/variational/index.js';
export { categorical, deterministic, uniform, probOf, isDistribution } from './dist/categorical.js';
export type { Categorical, Distribution } from './dist/categorical.js';
export { logSumExp } from './dist/log-space.js';
export { rng, gaussian } from './dist/rng.js';
export type { Rng } from './dist/rng.js';
export { compile } from './compile/compile.js';
export { factorDependencies, type FactorDependencies, type FactorReads } from './compile/dependencies.js';
export { infer } from './engines/engine.js';
export { exact } from './engines/exact/index.js';
export type { ExactOptions } from './engines/exact/index.js';
export { policyIteration } from './engines/exact/policy-iteration.js';
export type { InfiniteSolver } from './engines/exact/solve.js';
export { importance } from './engines/importance/index.js';
export type { ImportanceOptions, ImportanceSettings, ImportancePosterior, Proposal, ProposalFunction, ResampleScheme, StandardErrorMethod } from './engines/importance/index.js';
export { variational, variationalFit, tabularSoftmax, linearSoftmax } from './engines/variational/index.js';
export type { VariationalOptions, VariationalSettings, VariationalProgress, VariationalFit, VariationalPosterior, PolicyFamily, BoundFamily, FamilyContext, FamilyOptions, PolicyFeatures, OptimizerKind } from './engines/variational/index.js';
export { softQLearning } from './engines/soft-q/index.js';
export type { SoftQOptions, SoftQSettings } from './engines/soft-q/index.js';
export { softActorCritic } from './engines/soft-actor-critic/index.js';
export type { SoftActorCriticOptions, SoftActorCriticSettings } from './engines/soft-actor-critic/index.js';
export { virel } from './engines/virel/index.js';
export type { VirelOptions, VirelSettings } from './engines/virel/index.js';
export { pseudoLikelihoodEM } from './engines/pseudo-em/index.js';
export type { PseudoLikelihoodEMOptions, PseudoLikelihoodEMSettings } from './engines/pseudo-em/index.js';
export { learningFit, tabularCritic, linearCritic, quadraticCritic } from './engines/learning/index.js';
export type { QuadraticCriticOptions, ActionCriticFamily } from './engines/learning/index.js';
export type { LearningOptions, LearningProgress, LearningSettings, LearnedPosterior, LearningFit, LearningCurves } from './engines/learning/index.js';
export { particlesOf, weightedPosterior } from './posterior/weighted.js';
export type { WeightedParticles, WeightedPosterior, WeightedSource } from './posterior/weighted.js';
export { evaluate } from './posterior/evaluate.js';
export type { Evaluation, EvaluateOptions, PolicyInput } from './posterior/evaluate.js';
export { tabularPosterior } from './posterior/tabular.js';
export type { TabularPosterior, TabularSource } from './posterior/tabular.js';
// The text pictures; the SVG ones are in control-as-inference/viz (src/viz/index.ts).
export { valueGrid, policyGrid, trajectoryGrid, table, sideBySide, formatNumber, INFEASIBLE, EMPTY } from './viz/text.js';
export type {
  GridSource,
  PolicySource,
  GridOptions,
  ValueGridOptions,
  PolicyGridOptions,
  ArrowMap,
  Path,
  TrajectoryGridOptions,
  TableOptions,
  SideBySideOptions,
} from './viz/text.js';
export { textPlot, type PlotSeries, type TextPlotOptions } from './viz/text-plot.js';
export { inferReward, rewardLikelihood, indicatorFeatures, loadDemonstrations, demonstrationsJSON, demonstrationsFrom } from './irl/index.js';
export type {
  InferRewardOptions,
  RewardEstimate,
  IrlProgress,
  IrlVariant,
  RewardLikelihood,
  RewardLikelihoodOptions,
  LikelihoodValue,
  FeatureExpectations,
  Features,
  FeatureFunction,
  IndicatorFeatures,
  Demonstration,
  DemonstrationStep,
  DemonstrationsFile,
  LaplaceApproximation,
  IrlStart,
  UnboundedWeight,
  UnboundedCheck,
} from './irl/index.js';
export { inferGoal } from './inverse/index.js';
export type { Hypothesis, ObservedStep, InferGoalOptions, GoalPosterior } from './inverse/index.js';
export { CaiError } from './errors.js';
export type { CaiIssue, ErrorCode } from './errors.js';
export type * from './types/model.js';
export type * from './types/infer-model.js';
export type * from './types/factor-graph.js';
export type * from './types/posterior.js';
export type * from './types/engine.js';
export type * from './types/simulator.js';
export type * from './types/belief.js';
