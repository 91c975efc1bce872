// expect: KTS1106 3:1
// An interface.
export interface Device {
  port: u16;
}

export function f(): void {}
