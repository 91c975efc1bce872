// The status codes of the NOVA interface (nova-abi.md §5): what every
// hypercall returns in RDI[7:0], the kernel's handlers and the user bindings
// alike. `statusName` gives §5's spelling, for reports that say what they got.

/** Status codes (§5), returned in RDI[7:0]. */
export enum Status {
  SUCCESS = 0x0,
  TIMEOUT = 0x1,
  ABORTED = 0x2,
  OVRFLOW = 0x3,
  BAD_HYP = 0x4,
  BAD_CAP = 0x5,
  BAD_PAR = 0x6,
  BAD_FTR = 0x7,
  BAD_CPU = 0x8,
  BAD_DEV = 0x9,
  MEM_OBJ = 0xa,
  MEM_CAP = 0xb,
}

/** §5's name of status `s` (`BAD_CAP`), or "" for a value that is no status. */
export function statusName(s: u64): str {
  switch (s) {
    case Status.SUCCESS:
      return "SUCCESS";
    case Status.TIMEOUT:
      return "TIMEOUT";
    case Status.ABORTED:
      return "ABORTED";
    case Status.OVRFLOW:
      return "OVRFLOW";
    case Status.BAD_HYP:
      return "BAD_HYP";
    case Status.BAD_CAP:
      return "BAD_CAP";
    case Status.BAD_PAR:
      return "BAD_PAR";
    case Status.BAD_FTR:
      return "BAD_FTR";
    case Status.BAD_CPU:
      return "BAD_CPU";
    case Status.BAD_DEV:
      return "BAD_DEV";
    case Status.MEM_OBJ:
      return "MEM_OBJ";
    case Status.MEM_CAP:
      return "MEM_CAP";
  }
  return "";
}
