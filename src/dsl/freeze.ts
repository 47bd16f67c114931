/**
 * `freeze(value, deep)`: how the DSL makes its parts and models immutable
 * (a model is a frozen copy: changing the caller's objects later cannot
 * change it, and nobody can change it in place). It replaces immer's
 * `freeze`, the only part of immer the library used besides one `produce`
 * (now a frozen spread in `extend`), and keeps its rules exactly, so frozen
 * means what it meant:
 *
 * - plain objects (prototype `Object.prototype` or `null`), arrays, `Map`s and
 *   `Set`s are frozen; a `Map` or `Set` also gets `set`/`add`/`delete`/`clear`
 *   that throw, since `Object.freeze` alone does not stop them;
 * - anything else (functions, class instances, typed arrays, primitives) is
 *   returned as it is;
 * - with `deep`, the enumerable string-keyed values (a Map's values, a Set's
 *   members) are frozen the same way; an already frozen value is not entered
 *   (what it holds was frozen when it was, or is not ours to freeze).
 *
 * About twenty lines instead of a 9.5 KB dependency on every page (issue 14).
 */
const OBJECT_CONSTRUCTOR = Function.prototype.toString.call(Object);

/** A plain object: made by a literal, `Object.create(null)` or another realm's `Object`. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null || proto === Object.prototype) return true;
  const ctor: unknown = Object.prototype.hasOwnProperty.call(proto, 'constructor') ? (proto as { constructor: unknown }).constructor : undefined;
  return ctor === Object || (typeof ctor === 'function' && Function.prototype.toString.call(ctor) === OBJECT_CONSTRUCTOR);
}

function refuseChange(): never {
  throw new TypeError('This Map or Set belongs to a frozen model part and cannot be changed; build a new part instead');
}

const FROZEN_COLLECTION: PropertyDescriptorMap = {
  set: { value: refuseChange },
  add: { value: refuseChange },
  clear: { value: refuseChange },
  delete: { value: refuseChange },
};

/** Freeze `value` (deeply with `deep`) by the rules above, and return it. */
export function freeze<T>(value: T, deep = false): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const collection = value instanceof Map || value instanceof Set;
  if (!collection && !Array.isArray(value) && !isPlainObject(value)) return value;
  if (collection) Object.defineProperties(value, FROZEN_COLLECTION);
  Object.freeze(value);
  if (deep) {
    if (collection) (value as Map<unknown, unknown> | Set<unknown>).forEach((entry: unknown) => void freeze(entry, true));
    else for (const key of Object.keys(value)) freeze((value as Record<string, unknown>)[key], true);
  }
  return value;
}
