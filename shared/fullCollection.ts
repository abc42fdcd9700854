import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's full collection (`gc`) as a function, for the few points where a step knows that most of
 * what it held just died and its next phase allocates a lot: V8 would collect at its own time, and
 * the dead memory would sit under the new. `gc` is exposed to a new context only; the caller's
 * context is left as it was. Decisions 102 and 110 measured where it pays.
 */
export function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
