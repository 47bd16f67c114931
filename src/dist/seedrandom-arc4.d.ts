/** Types for seedrandom's ARC4 file (src/dist/rng.ts imports it instead of the index that loads every generator). */
declare module 'seedrandom/seedrandom.js' {
  import seedrandom from 'seedrandom';
  export default seedrandom;
}
