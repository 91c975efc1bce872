// expect: KTS1105 3:18
// A generic class.
export class Box<T> {
  value: T;
}
