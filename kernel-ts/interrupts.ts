// Interrupt vectors 32-255: one handler per vector, called by exceptions.ts
// (which entry.S enters for every vector) with interrupts still disabled;
// the local APIC gets its EOI after the handler. The spurious vector needs no
// EOI (SDM Vol. 3A §11.9). A vector without a handler is not handled here,
// and exceptions.ts reports it as unexpected.

import * as lapic from "./lapic.ts";

export const FIRST: u32 = 32;

/** A handler gets its vector. */
export type Handler = (vector: u32) => void;

class Vectors {
  handlers: Arr<Handler, 256>;
  registered: Arr<bool, 256>;
  counts: Arr<u64, 256>;
}
const vectors = new Vectors();

export function register(vector: u32, handler: Handler): void {
  assert(vector >= FIRST && vector < 256, "interrupt vectors are 32-255");
  vectors.handlers[usize(vector)] = handler;
  vectors.registered[usize(vector)] = true;
}

/** Whether `vector` has a handler (the spurious vector counts: it needs nothing). */
export function registered(vector: u32): bool {
  if (vector < FIRST || vector > 255) return false;
  return vector === lapic.VECTOR_SPURIOUS || vectors.registered[usize(vector)];
}

/** Runs the handler of a vector that has one (registered()) and acknowledges it. */
export function dispatch(vector: u32): void {
  const v = usize(vector & 255);
  vectors.counts[v]++;
  if (vector === lapic.VECTOR_SPURIOUS) return;
  assert(vectors.registered[v], "interrupts: dispatch of a vector without a handler");
  vectors.handlers[v](vector);
  lapic.eoi();
}

/** How often a vector arrived. */
export function count(vector: u32): u64 {
  return vectors.counts[usize(vector & 255)];
}
