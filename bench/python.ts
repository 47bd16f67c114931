/**
 * Which python runs the numpy peers. Debian's `/usr/bin/python3` with its
 * `python3-numpy` (1.24) comes first: on these small kernels pip's numpy 2.x was
 * 2–3× slower on this machine, and a peer should be its best build. Whatever
 * `python3` is first on the PATH is the fallback. The choice, the numpy version
 * and where numpy was loaded from are printed by every bench that uses it.
 */
import { spawnSync } from 'node:child_process';

export interface Python {
  /** The interpreter to run. */
  readonly path: string;
  /** numpy.__version__. */
  readonly numpy: string;
  /** Where numpy was imported from (tells Debian's build from pip's). */
  readonly numpyFile: string;
  /** One line for the bench output. */
  readonly describe: string;
}

/** The first of /usr/bin/python3, python3 that imports every module in `modules`. */
export function findPython(modules: readonly string[] = ['numpy']): Python | undefined {
  for (const path of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(path, ['-c', `import sys, ${modules.join(', ')}; print(numpy.__version__); print(numpy.__file__); print(sys.version.split()[0])`], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const [numpy, numpyFile, version] = probe.stdout.trim().split('\n');
    return { path, numpy: numpy!, numpyFile: numpyFile!, describe: `${path} (Python ${version}), numpy ${numpy} from ${numpyFile}` };
  }
  return undefined;
}
