// expect: KTS1303 5:18
// expect: KTS1303 6:3
// A generator and `yield`.

export function* counter() {
  yield 1;
}
