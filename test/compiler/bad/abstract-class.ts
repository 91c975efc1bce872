// expect: KTS1106 3:1
// An abstract class.
export abstract class Device {
  port: u16;
}
