/**
 * control-as-inference: optimal control written as a graphical model and
 * solved by inference. Named exports only; types live in `src/types`.
 */
export { model, extend, state, action, transition, optimality, temperature, horizon, discount } from './dsl/index.js';
export type { StateOptions, SimulatedStateOptions, ActionOptions, OptimalityOptions } from './dsl/index.js';
export { sampler, isSampler } from './dist/sampler.js';
export type { Sampler } from './dist/sampler.js';
export { compileModel, simulatorOf, tableSimulator } from './simulate/index.js';
export { categorical, deterministic, uniform, probOf, isDistribution } from './dist/categorical.js';
export type { Categorical, Distribution } from './dist/categorical.js';
export { logSumExp } from './dist/log-space.js';
export { rng, gaussian } from './dist/rng.js';
export type { Rng } from './dist/rng.js';
export { compile } from './compile/compile.js';
export { infer } from './engines/engine.js';
export { exact } from './engines/exact/index.js';
export type { ExactOptions } from './engines/exact/index.js';
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
export { learningFit, tabularCritic, linearCritic } from './engines/learning/index.js';
export type { LearningOptions, LearningProgress, LearningSettings, LearnedPosterior, LearningFit, LearningCurves } from './engines/learning/index.js';
export { particlesOf, weightedPosterior } from './posterior/weighted.js';
export type { WeightedParticles, WeightedPosterior, WeightedSource } from './posterior/weighted.js';
export { evaluate } from './posterior/evaluate.js';
export type { Evaluation, EvaluateOptions, PolicyInput } from './posterior/evaluate.js';
export { tabularPosterior } from './posterior/tabular.js';
export type { TabularPosterior, TabularSource } from './posterior/tabular.js';
export * from './viz/index.js';
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
} from './irl/index.js';
export { inferGoal } from './inverse/index.js';
export type { Hypothesis, ObservedStep, InferGoalOptions, GoalPosterior } from './inverse/index.js';
export { valueHeatmapSvg, trajectoriesSvg, marginalsSvg, curvesSvg } from './viz/svg/index.js';
export type { ValueHeatmapOptions, SvgPolicySource, TrajectoriesSvgOptions, MarginalsSource, MarginalsSvgOptions, Series, CurvesSvgOptions, SvgGridSource, Heading, HeadingMap } from './viz/svg/index.js';
export { factorGraphDot, factorGraphSvg, layoutDot } from './viz/graph.js';
export type { FactorGraphDrawOptions } from './viz/graph.js';
export { reportHtml } from './report/index.js';
export type { ReportOptions } from './report/index.js';
export { CaiError } from './errors.js';
export type { CaiIssue, ErrorCode } from './errors.js';
export type * from './types/model.js';
export type * from './types/factor-graph.js';
export type * from './types/posterior.js';
export type * from './types/engine.js';
export type * from './types/simulator.js';
