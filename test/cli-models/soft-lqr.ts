/** A scalar soft-LQR model (exact() solves it in closed form) for the CLI × model-kind tests. */
import { action, horizon, linearGaussian, model, quadratic, state, temperature } from '../../src/index.js';

export default model(state.simulated('x', { initial: [1] }), action.continuous('u', 1), linearGaussian({ A: 1, B: 1, W: 0.5 }), quadratic({ Q: 1, R: 1 }), temperature(0.5), horizon(3));
