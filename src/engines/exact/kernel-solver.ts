/**
 * Policy iteration is built for the tabular fixed-dynamics backup only; the belief
 * kernel (POMDP) and the soft-LQR kernel solve by their own recursions, so each
 * refuses a solver the user asked for rather than silently ignoring it. Imported
 * by those kernels only, so a tabular page does not carry it.
 */
import { fail } from '../../errors.js';
import type { KernelSettings } from './kernel.js';

export function refuseSolver(kernel: string, settings: KernelSettings): void {
  if (settings.solver === undefined) return;
  fail({
    code: 'option-invalid',
    part: 'exact()',
    message: `exact(): solver policyIteration() on a model solved by the '${kernel}' kernel; expected a fully observed table model (only the tabular kernel has policy iteration). Leave solver out`,
  });
}
