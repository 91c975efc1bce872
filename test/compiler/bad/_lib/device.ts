// A valid module that corpus programs import from within the project. Modules are
// registered in path order and `_` sorts before every corpus program, so a struct name
// this module declares first is reported as a duplicate in the program (KTS1107).

export class Device {
  port: u16;
}

export function reset(d: Device): void {
  d.port = 0;
}
