// A valid module that corpus programs import from within the project.

export class Device {
  port: u16;
}

export function reset(d: Device): void {
  d.port = 0;
}
