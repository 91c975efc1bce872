// expect: KTS1106 4:1
// An interface.

export interface Device {
  port: u16;
}

export function f(): void {}
