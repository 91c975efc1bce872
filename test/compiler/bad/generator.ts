// expect: KTS1303 4:18
// expect: KTS1303 5:3
// A generator and `yield`.
export function* counter() {
  yield 1;
}
