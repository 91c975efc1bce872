// expect: KTS1103 5:9
// A struct field of type `str`.

export class Named {
  name: str;
}
