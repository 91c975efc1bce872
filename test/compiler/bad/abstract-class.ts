// expect: KTS1106 4:1
// An abstract class.

export abstract class Device {
  port: u16;
}
