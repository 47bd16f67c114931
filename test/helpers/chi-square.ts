/** χ² goodness of fit: the kit's implementation (src/testing/chi-square.ts), re-exported for the tests. */
export { chiSquare, upperGammaQ, type ChiSquareResult } from '../../src/testing/chi-square.js';
