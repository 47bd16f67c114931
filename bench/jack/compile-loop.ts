/**
 * Profiling harness for issue 17: compile one form of Jack's car rental N times in one process and
 * print each compile's wall and CPU time (stderr). For `node --cpu-prof`, `--trace-deopt`, `--trace-gc`.
 *
 *   npx tsx bench/jack/compile-loop.ts --form records|factored --times 5
 */
import { parseArgs } from 'node:util';
import { compile } from '../../src/index.js';
import { jacksCarRental, jacksCarRentalFactored } from './model.js';

const { values: args } = parseArgs({ options: { form: { type: 'string', default: 'records' }, times: { type: 'string', default: '5' } } });
const form = args.form === 'factored' ? jacksCarRentalFactored() : jacksCarRental();
for (let i = 0; i < Number(args.times); i++) {
  const w = performance.now();
  const c = process.cpuUsage();
  compile(form);
  const used = process.cpuUsage(c);
  process.stderr.write(`${args.form} compile ${i}: ${((performance.now() - w) / 1000).toFixed(3)} s wall, ${((used.user + used.system) / 1e6).toFixed(3)} s CPU\n`);
}
