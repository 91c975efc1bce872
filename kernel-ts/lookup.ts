// Capability lookups for the hypercalls: the object a selector names in the
// running PD's object space, checked for kind and permissions, and the
// insertion of a new object's capability (nova-abi.md §4: "sel must hold
// CAP0", checked last, after the object was built).

import { Status } from "../abi/status.ts";
import { CAP0, make, object, perms } from "./capability.ts";
import { KObject } from "./kobject.ts";
import * as mdb from "./mdb.ts";
import * as currentPd from "./current_pd.ts";

/**
 * The object `sel` names in the running PD's object space if it is of `kind`
 * (or `kind2`) and the capability has every permission of `need`; else null.
 */
export function capObject(sel: u64, kind: u32, kind2: u32, need: u32): KObject | null {
  const objects = currentPd.currentObjects();
  if (objects === null) return null;
  const cap = objects.lookup(sel);
  if (cap === CAP0 || (perms(cap) & need) !== need) return null;
  const o = structAt<KObject>(object(cap));
  return o.kind === kind || o.kind === kind2 ? o : null;
}

/**
 * The capability (with `p`) to the new object at `obj` into `sel` of the
 * running PD's object space. SUCCESS, or BAD_CAP (slot occupied or
 * ≥ SELNUM) / MEM_CAP; then the caller destroys the object.
 */
export function insertNew(sel: u64, obj: Virt, p: u32): u32 {
  const objects = currentPd.currentObjects();
  if (objects === null) return Status.BAD_CAP;
  const st = mdb.insertRoot(objects, sel, make(obj, p));
  if (st === Status.SUCCESS || st === Status.MEM_CAP) return st;
  return Status.BAD_CAP;
}
