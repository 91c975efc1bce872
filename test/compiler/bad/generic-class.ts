// expect: KTS1105 4:18
// A generic class.

export class Box<T> {
  value: T;
}
