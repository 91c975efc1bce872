// expect: KTS1105 7:8
// A generic method.

export class Box {
  value: u32;

  pick<T>(a: T, b: T): T {
    return a;
  }
}
