/**
 * Catalogue rows E400–E449 (issue 16: agent backups and goal inference), kept
 * in their own file and spread into MALFORMED so that parallel edits to the
 * main catalogue do not collide.
 */
import { categorical, deterministic, discount, exact, infer, inferGoal, observation, state, transition } from '../../src/index.js';
import { corridor, step, type Cell, type Move } from './corridor.js';
import type { MalformedInput } from './malformed.js';

const at = (x: number): Cell => ({ x, y: 0 });
const slippery = transition((s: Cell, a: Move) => categorical([[step(s, a), 0.5], [s, 0.5]]));
const three = state('cell', [at(0), at(1), at(2)], { initial: at(0) });
const stayAt = transition((s: Cell) => deterministic(s));

export const MALFORMED_AGENTS: readonly MalformedInput[] = [
  { id: 'E400', input: 'the expected-utility agent on an infinite horizon', run: () => infer(corridor({ horizon: discount(0.9) }), exact({ backup: 'expected-utility' })), code: 'unsupported-query', message: "exact(expected-utility): the model has an infinite horizon (discount(0.9)); expected a finite horizon — the softmax-weighted value U = Σ_a π Q is not a contraction and may have several fixed points, so the stationary agent is undefined. Give horizon(T) with discount(γ), or use backup: 'boltzmann'" },
  { id: 'E401', input: 'goal inference with no hypotheses', run: () => inferGoal([], [{ state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): no hypotheses were given; expected an array of at least one { name, model, prior? }" },
  { id: 'E402', input: 'goal inference with no steps', run: () => inferGoal([{ name: 'a', model: corridor() }], []), code: 'goal-invalid', message: "inferGoal(): no steps were given; expected at least one { state, action? }" },
  { id: 'E403', input: 'two hypotheses with one name', run: () => inferGoal([{ name: 'a', model: corridor() }, { name: 'a', model: corridor() }], [{ state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): the name 'a' is given to hypotheses 0 and 1; expected distinct names" },
  { id: 'E404', input: 'a negative prior weight', run: () => inferGoal([{ name: 'a', model: corridor(), prior: -1 }], [{ state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): hypothesis 'a' has prior -1; expected a finite number ≥ 0" },
  { id: 'E405', input: 'hypotheses that do not share the state domain', run: () => inferGoal([{ name: 'a', model: corridor() }, { name: 'b', model: corridor({ state: three, transition: stayAt }) }], [{ state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): hypothesis 'b' has 3 states × 2 actions, 'a' has 2 × 2 (or orders them differently); expected hypotheses that share the state and action domains" },
  { id: 'E406', input: 'hypotheses with different dynamics and no world', run: () => inferGoal([{ name: 'a', model: corridor() }, { name: 'b', model: corridor({ transition: slippery }) }], [{ state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): hypotheses 'a' and 'b' have different dynamics, so the true dynamics are ambiguous; expected options.world (the model whose dynamics generated the steps)" },
  { id: 'E407', input: 'a step at an unknown state', run: () => inferGoal([{ name: 'a', model: corridor() }], [{ state: at(5) }]), code: 'goal-invalid', message: "inferGoal(): step 0: state {x:5,y:0} is not a state of the hypotheses' models" },
  { id: 'E408', input: 'a step with an unknown action', run: () => inferGoal([{ name: 'a', model: corridor() }], [{ state: at(0), action: 'N' as Move }]), code: 'goal-invalid', message: "inferGoal(): step 0: action 'N' is not an action of the hypotheses' models" },
  { id: 'E409', input: 'a step the true dynamics cannot produce', run: () => inferGoal([{ name: 'a', model: corridor() }], [{ state: at(0), action: 'E' }, { state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): step 0: s={x:0,y:0} → s′={x:0,y:0} under a='E' has probability 0 under the true dynamics; check the steps or options.world" },
  { id: 'E410', input: 'more steps than the horizon', run: () => inferGoal([{ name: 'a', model: corridor() }], [0, 1, 1, 1].map((x) => ({ state: at(x) }))), code: 'goal-invalid', message: "inferGoal(): 4 steps from t = 0 reach past the horizon T = 3 (every step is a decision); expected at most 3 steps" },
  { id: 'E411', input: 'a hypothesis without a model', run: () => inferGoal([{ name: 'a' } as never], [{ state: at(0) }]), code: 'goal-invalid', message: "inferGoal(): hypothesis 0 is {name:'a'}; expected { name, model, prior? } with model built by model(...)" },
  { id: 'E412', input: 'a misspelt option of inferGoal', run: () => inferGoal([{ name: 'a', model: corridor() }], [{ state: at(0) }], { wrold: corridor() } as never), code: 'unknown-option', message: "inferGoal(): unknown option 'wrold' (did you mean 'world'?); known options: 'engine', 'world', 'start'" },
  { id: 'E413', input: 'a POMDP given to an agent backup', run: () => infer(corridor({}, observation(() => deterministic('o'))), exact({ backup: 'boltzmann' })), code: 'observation-unsupported', message: "exact({ backup: 'boltzmann' }): the model has an observation(...) part (a POMDP) and exact({ backup: 'boltzmann' }) plans as if the state were seen, which would solve the fully observed problem instead; use exact() (exact planning over reachable beliefs; backup 'fixed-dynamics' or 'posterior')" },
];
