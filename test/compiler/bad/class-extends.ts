// expect: KTS1106 8:22
// Class inheritance.

class Base {
  id: u32;
}

export class Derived extends Base {
  extra: u32;
}
