// A right-nested expression 80 levels deep whose levels call functions that
// change a global, as the value of an atomic add on an object a call returns,
// and as the value assigned to an element whose object and index read that
// global: the object and the index are evaluated before the value, and only
// the chosen branch of each ?: runs (compiler/lower/deep.ts: the C of this
// expression nests past clang's 256 brackets unless taken apart).
// expect-out: 0 16 36143304 2
// expect-out: 16 0 4482145 3
class C {
  cnt: Atomic<u32>;
  arr: Arr<u8, 4>;
}
let trace: u32 = 0;
let g: u8 = 0;
let pick: u8 = 0;
const objs = array<C | null, 2>();
function at(k: u8): u8 {
  trace = trace * 31 + k;
  return k;
}
function bump(k: u8): u8 {
  g += k;
  trace = trace * 31 + k;
  return k;
}
function is(k: u8): bool {
  trace = trace * 31 + k;
  return k !== pick;
}
function obj(): C {
  trace = trace * 7 + 1;
  g = 1;
  return objs[g]!;
}
export function main(): void {
  objs[0] = new C();
  objs[1] = new C();
  pick = 3;
  const old = obj().cnt.add(
    u32(
      at(8) +
        (is(4)
          ? at(7) +
            (is(3)
              ? at(6) +
                (is(2)
                  ? at(5) +
                    (is(1)
                      ? at(4) +
                        (is(0)
                          ? at(3) +
                            (is(4)
                              ? at(2) +
                                (is(3)
                                  ? at(1) +
                                    (is(2)
                                      ? at(9) +
                                        (is(1)
                                          ? at(8) +
                                            (is(0)
                                              ? at(7) +
                                                (is(4)
                                                  ? at(6) +
                                                    (is(3)
                                                      ? at(5) +
                                                        (is(2)
                                                          ? at(4) +
                                                            (is(1)
                                                              ? at(3) +
                                                                (is(0)
                                                                  ? at(2) +
                                                                    (is(4)
                                                                      ? at(1) +
                                                                        (is(3)
                                                                          ? at(9) +
                                                                            (is(2)
                                                                              ? at(8) +
                                                                                (is(1)
                                                                                  ? at(7) +
                                                                                    (is(0)
                                                                                      ? at(6) +
                                                                                        (is(4)
                                                                                          ? at(5) +
                                                                                            (is(3)
                                                                                              ? at(
                                                                                                  4,
                                                                                                ) +
                                                                                                (is(
                                                                                                  2,
                                                                                                )
                                                                                                  ? at(
                                                                                                      3,
                                                                                                    ) +
                                                                                                    (is(
                                                                                                      1,
                                                                                                    )
                                                                                                      ? at(
                                                                                                          2,
                                                                                                        ) +
                                                                                                        (is(
                                                                                                          0,
                                                                                                        )
                                                                                                          ? at(
                                                                                                              1,
                                                                                                            ) +
                                                                                                            (is(
                                                                                                              4,
                                                                                                            )
                                                                                                              ? at(
                                                                                                                  9,
                                                                                                                ) +
                                                                                                                (is(
                                                                                                                  3,
                                                                                                                )
                                                                                                                  ? at(
                                                                                                                      8,
                                                                                                                    ) +
                                                                                                                    (is(
                                                                                                                      2,
                                                                                                                    )
                                                                                                                      ? at(
                                                                                                                          7,
                                                                                                                        ) +
                                                                                                                        (is(
                                                                                                                          1,
                                                                                                                        )
                                                                                                                          ? at(
                                                                                                                              6,
                                                                                                                            ) +
                                                                                                                            (is(
                                                                                                                              0,
                                                                                                                            )
                                                                                                                              ? at(
                                                                                                                                  5,
                                                                                                                                ) +
                                                                                                                                (is(
                                                                                                                                  4,
                                                                                                                                )
                                                                                                                                  ? at(
                                                                                                                                      4,
                                                                                                                                    ) +
                                                                                                                                    (is(
                                                                                                                                      3,
                                                                                                                                    )
                                                                                                                                      ? at(
                                                                                                                                          3,
                                                                                                                                        ) +
                                                                                                                                        (is(
                                                                                                                                          2,
                                                                                                                                        )
                                                                                                                                          ? at(
                                                                                                                                              2,
                                                                                                                                            ) +
                                                                                                                                            (is(
                                                                                                                                              1,
                                                                                                                                            )
                                                                                                                                              ? at(
                                                                                                                                                  1,
                                                                                                                                                ) +
                                                                                                                                                (is(
                                                                                                                                                  0,
                                                                                                                                                )
                                                                                                                                                  ? at(
                                                                                                                                                      9,
                                                                                                                                                    ) +
                                                                                                                                                    (is(
                                                                                                                                                      4,
                                                                                                                                                    )
                                                                                                                                                      ? at(
                                                                                                                                                          8,
                                                                                                                                                        ) +
                                                                                                                                                        (is(
                                                                                                                                                          3,
                                                                                                                                                        )
                                                                                                                                                          ? at(
                                                                                                                                                              7,
                                                                                                                                                            ) +
                                                                                                                                                            (is(
                                                                                                                                                              2,
                                                                                                                                                            )
                                                                                                                                                              ? at(
                                                                                                                                                                  6,
                                                                                                                                                                ) +
                                                                                                                                                                (is(
                                                                                                                                                                  1,
                                                                                                                                                                )
                                                                                                                                                                  ? at(
                                                                                                                                                                      5,
                                                                                                                                                                    ) +
                                                                                                                                                                    (is(
                                                                                                                                                                      0,
                                                                                                                                                                    )
                                                                                                                                                                      ? at(
                                                                                                                                                                          4,
                                                                                                                                                                        ) +
                                                                                                                                                                        (is(
                                                                                                                                                                          4,
                                                                                                                                                                        )
                                                                                                                                                                          ? at(
                                                                                                                                                                              3,
                                                                                                                                                                            ) +
                                                                                                                                                                            (is(
                                                                                                                                                                              3,
                                                                                                                                                                            )
                                                                                                                                                                              ? at(
                                                                                                                                                                                  2,
                                                                                                                                                                                ) +
                                                                                                                                                                                (is(
                                                                                                                                                                                  2,
                                                                                                                                                                                )
                                                                                                                                                                                  ? at(
                                                                                                                                                                                      1,
                                                                                                                                                                                    ) +
                                                                                                                                                                                    (is(
                                                                                                                                                                                      1,
                                                                                                                                                                                    )
                                                                                                                                                                                      ? at(
                                                                                                                                                                                          9,
                                                                                                                                                                                        ) +
                                                                                                                                                                                        (is(
                                                                                                                                                                                          0,
                                                                                                                                                                                        )
                                                                                                                                                                                          ? at(
                                                                                                                                                                                              8,
                                                                                                                                                                                            ) +
                                                                                                                                                                                            (is(
                                                                                                                                                                                              4,
                                                                                                                                                                                            )
                                                                                                                                                                                              ? at(
                                                                                                                                                                                                  7,
                                                                                                                                                                                                ) +
                                                                                                                                                                                                (is(
                                                                                                                                                                                                  3,
                                                                                                                                                                                                )
                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                      6,
                                                                                                                                                                                                    ) +
                                                                                                                                                                                                    (is(
                                                                                                                                                                                                      2,
                                                                                                                                                                                                    )
                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                          5,
                                                                                                                                                                                                        ) +
                                                                                                                                                                                                        (is(
                                                                                                                                                                                                          1,
                                                                                                                                                                                                        )
                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                              4,
                                                                                                                                                                                                            ) +
                                                                                                                                                                                                            (is(
                                                                                                                                                                                                              0,
                                                                                                                                                                                                            )
                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                  3,
                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                  4,
                                                                                                                                                                                                                )
                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                      2,
                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                      3,
                                                                                                                                                                                                                    )
                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                          2,
                                                                                                                                                                                                                        )
                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                              9,
                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                            )
                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                  8,
                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                  0,
                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                      7,
                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                      4,
                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                          6,
                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                          3,
                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                              5,
                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                              2,
                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                  4,
                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                      3,
                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                      0,
                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                          2,
                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                          4,
                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                              3,
                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                  9,
                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                  2,
                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                      8,
                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                          7,
                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                          0,
                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                              6,
                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                              4,
                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                  5,
                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                  3,
                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                      4,
                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                      2,
                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                          3,
                                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                                              2,
                                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                                              0,
                                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                                  4,
                                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                                      9,
                                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                                      3,
                                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                                          8,
                                                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                                                          2,
                                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                                                              7,
                                                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                                                  6,
                                                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                                                  0,
                                                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                                                      5,
                                                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                                                      4,
                                                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                                                          4,
                                                                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                                                                          3,
                                                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                                                                              3,
                                                                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                                                                              2,
                                                                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                                                                  2,
                                                                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                                                                      0,
                                                                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                    ))
                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                ))
                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                              1,
                                                                                                                                                                                                            ))
                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                          1,
                                                                                                                                                                                                        ))
                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                      1,
                                                                                                                                                                                                    ))
                                                                                                                                                                                              : bump(
                                                                                                                                                                                                  1,
                                                                                                                                                                                                ))
                                                                                                                                                                                          : bump(
                                                                                                                                                                                              1,
                                                                                                                                                                                            ))
                                                                                                                                                                                      : bump(
                                                                                                                                                                                          1,
                                                                                                                                                                                        ))
                                                                                                                                                                                  : bump(
                                                                                                                                                                                      1,
                                                                                                                                                                                    ))
                                                                                                                                                                              : bump(
                                                                                                                                                                                  1,
                                                                                                                                                                                ))
                                                                                                                                                                          : bump(
                                                                                                                                                                              1,
                                                                                                                                                                            ))
                                                                                                                                                                      : bump(
                                                                                                                                                                          1,
                                                                                                                                                                        ))
                                                                                                                                                                  : bump(
                                                                                                                                                                      1,
                                                                                                                                                                    ))
                                                                                                                                                              : bump(
                                                                                                                                                                  1,
                                                                                                                                                                ))
                                                                                                                                                          : bump(
                                                                                                                                                              1,
                                                                                                                                                            ))
                                                                                                                                                      : bump(
                                                                                                                                                          1,
                                                                                                                                                        ))
                                                                                                                                                  : bump(
                                                                                                                                                      1,
                                                                                                                                                    ))
                                                                                                                                              : bump(
                                                                                                                                                  1,
                                                                                                                                                ))
                                                                                                                                          : bump(
                                                                                                                                              1,
                                                                                                                                            ))
                                                                                                                                      : bump(
                                                                                                                                          1,
                                                                                                                                        ))
                                                                                                                                  : bump(
                                                                                                                                      1,
                                                                                                                                    ))
                                                                                                                              : bump(
                                                                                                                                  1,
                                                                                                                                ))
                                                                                                                          : bump(
                                                                                                                              1,
                                                                                                                            ))
                                                                                                                      : bump(
                                                                                                                          1,
                                                                                                                        ))
                                                                                                                  : bump(
                                                                                                                      1,
                                                                                                                    ))
                                                                                                              : bump(
                                                                                                                  1,
                                                                                                                ))
                                                                                                          : bump(
                                                                                                              1,
                                                                                                            ))
                                                                                                      : bump(
                                                                                                          1,
                                                                                                        ))
                                                                                                  : bump(
                                                                                                      1,
                                                                                                    ))
                                                                                              : bump(
                                                                                                  1,
                                                                                                ))
                                                                                          : bump(1))
                                                                                      : bump(1))
                                                                                  : bump(1))
                                                                              : bump(1))
                                                                          : bump(1))
                                                                      : bump(1))
                                                                  : bump(1))
                                                              : bump(1))
                                                          : bump(1))
                                                      : bump(1))
                                                  : bump(1))
                                              : bump(1))
                                          : bump(1))
                                      : bump(1))
                                  : bump(1))
                              : bump(1))
                          : bump(1))
                      : bump(1))
                  : bump(1))
              : bump(1))
          : bump(1)),
    ),
  );
  log(`${old} ${objs[1]!.cnt.load()} ${trace} ${g}`);
  objs[g & 1]!.arr[g & 3] =
    at(8) +
    (is(4)
      ? at(7) +
        (is(3)
          ? at(6) +
            (is(2)
              ? at(5) +
                (is(1)
                  ? at(4) +
                    (is(0)
                      ? at(3) +
                        (is(4)
                          ? at(2) +
                            (is(3)
                              ? at(1) +
                                (is(2)
                                  ? at(9) +
                                    (is(1)
                                      ? at(8) +
                                        (is(0)
                                          ? at(7) +
                                            (is(4)
                                              ? at(6) +
                                                (is(3)
                                                  ? at(5) +
                                                    (is(2)
                                                      ? at(4) +
                                                        (is(1)
                                                          ? at(3) +
                                                            (is(0)
                                                              ? at(2) +
                                                                (is(4)
                                                                  ? at(1) +
                                                                    (is(3)
                                                                      ? at(9) +
                                                                        (is(2)
                                                                          ? at(8) +
                                                                            (is(1)
                                                                              ? at(7) +
                                                                                (is(0)
                                                                                  ? at(6) +
                                                                                    (is(4)
                                                                                      ? at(5) +
                                                                                        (is(3)
                                                                                          ? at(4) +
                                                                                            (is(2)
                                                                                              ? at(
                                                                                                  3,
                                                                                                ) +
                                                                                                (is(
                                                                                                  1,
                                                                                                )
                                                                                                  ? at(
                                                                                                      2,
                                                                                                    ) +
                                                                                                    (is(
                                                                                                      0,
                                                                                                    )
                                                                                                      ? at(
                                                                                                          1,
                                                                                                        ) +
                                                                                                        (is(
                                                                                                          4,
                                                                                                        )
                                                                                                          ? at(
                                                                                                              9,
                                                                                                            ) +
                                                                                                            (is(
                                                                                                              3,
                                                                                                            )
                                                                                                              ? at(
                                                                                                                  8,
                                                                                                                ) +
                                                                                                                (is(
                                                                                                                  2,
                                                                                                                )
                                                                                                                  ? at(
                                                                                                                      7,
                                                                                                                    ) +
                                                                                                                    (is(
                                                                                                                      1,
                                                                                                                    )
                                                                                                                      ? at(
                                                                                                                          6,
                                                                                                                        ) +
                                                                                                                        (is(
                                                                                                                          0,
                                                                                                                        )
                                                                                                                          ? at(
                                                                                                                              5,
                                                                                                                            ) +
                                                                                                                            (is(
                                                                                                                              4,
                                                                                                                            )
                                                                                                                              ? at(
                                                                                                                                  4,
                                                                                                                                ) +
                                                                                                                                (is(
                                                                                                                                  3,
                                                                                                                                )
                                                                                                                                  ? at(
                                                                                                                                      3,
                                                                                                                                    ) +
                                                                                                                                    (is(
                                                                                                                                      2,
                                                                                                                                    )
                                                                                                                                      ? at(
                                                                                                                                          2,
                                                                                                                                        ) +
                                                                                                                                        (is(
                                                                                                                                          1,
                                                                                                                                        )
                                                                                                                                          ? at(
                                                                                                                                              1,
                                                                                                                                            ) +
                                                                                                                                            (is(
                                                                                                                                              0,
                                                                                                                                            )
                                                                                                                                              ? at(
                                                                                                                                                  9,
                                                                                                                                                ) +
                                                                                                                                                (is(
                                                                                                                                                  4,
                                                                                                                                                )
                                                                                                                                                  ? at(
                                                                                                                                                      8,
                                                                                                                                                    ) +
                                                                                                                                                    (is(
                                                                                                                                                      3,
                                                                                                                                                    )
                                                                                                                                                      ? at(
                                                                                                                                                          7,
                                                                                                                                                        ) +
                                                                                                                                                        (is(
                                                                                                                                                          2,
                                                                                                                                                        )
                                                                                                                                                          ? at(
                                                                                                                                                              6,
                                                                                                                                                            ) +
                                                                                                                                                            (is(
                                                                                                                                                              1,
                                                                                                                                                            )
                                                                                                                                                              ? at(
                                                                                                                                                                  5,
                                                                                                                                                                ) +
                                                                                                                                                                (is(
                                                                                                                                                                  0,
                                                                                                                                                                )
                                                                                                                                                                  ? at(
                                                                                                                                                                      4,
                                                                                                                                                                    ) +
                                                                                                                                                                    (is(
                                                                                                                                                                      4,
                                                                                                                                                                    )
                                                                                                                                                                      ? at(
                                                                                                                                                                          3,
                                                                                                                                                                        ) +
                                                                                                                                                                        (is(
                                                                                                                                                                          3,
                                                                                                                                                                        )
                                                                                                                                                                          ? at(
                                                                                                                                                                              2,
                                                                                                                                                                            ) +
                                                                                                                                                                            (is(
                                                                                                                                                                              2,
                                                                                                                                                                            )
                                                                                                                                                                              ? at(
                                                                                                                                                                                  1,
                                                                                                                                                                                ) +
                                                                                                                                                                                (is(
                                                                                                                                                                                  1,
                                                                                                                                                                                )
                                                                                                                                                                                  ? at(
                                                                                                                                                                                      9,
                                                                                                                                                                                    ) +
                                                                                                                                                                                    (is(
                                                                                                                                                                                      0,
                                                                                                                                                                                    )
                                                                                                                                                                                      ? at(
                                                                                                                                                                                          8,
                                                                                                                                                                                        ) +
                                                                                                                                                                                        (is(
                                                                                                                                                                                          4,
                                                                                                                                                                                        )
                                                                                                                                                                                          ? at(
                                                                                                                                                                                              7,
                                                                                                                                                                                            ) +
                                                                                                                                                                                            (is(
                                                                                                                                                                                              3,
                                                                                                                                                                                            )
                                                                                                                                                                                              ? at(
                                                                                                                                                                                                  6,
                                                                                                                                                                                                ) +
                                                                                                                                                                                                (is(
                                                                                                                                                                                                  2,
                                                                                                                                                                                                )
                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                      5,
                                                                                                                                                                                                    ) +
                                                                                                                                                                                                    (is(
                                                                                                                                                                                                      1,
                                                                                                                                                                                                    )
                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                          4,
                                                                                                                                                                                                        ) +
                                                                                                                                                                                                        (is(
                                                                                                                                                                                                          0,
                                                                                                                                                                                                        )
                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                              3,
                                                                                                                                                                                                            ) +
                                                                                                                                                                                                            (is(
                                                                                                                                                                                                              4,
                                                                                                                                                                                                            )
                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                  2,
                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                  3,
                                                                                                                                                                                                                )
                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                      2,
                                                                                                                                                                                                                    )
                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                          9,
                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                        )
                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                              8,
                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                              0,
                                                                                                                                                                                                                            )
                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                  7,
                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                  4,
                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                      6,
                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                      3,
                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                          5,
                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                          2,
                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                              4,
                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                  3,
                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                  0,
                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                      2,
                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                      4,
                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                          3,
                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                              9,
                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                              2,
                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                  8,
                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                      7,
                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                      0,
                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                          6,
                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                          4,
                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                              5,
                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                              3,
                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                  4,
                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                  2,
                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                      3,
                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                          2,
                                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                                          0,
                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                                              4,
                                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                                  9,
                                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                                  3,
                                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                                      8,
                                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                                      2,
                                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                                          7,
                                                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                                                              6,
                                                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                                                              0,
                                                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                                                  5,
                                                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                                                  4,
                                                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                                                      4,
                                                                                                                                                                                                                                                                                                                    ) +
                                                                                                                                                                                                                                                                                                                    (is(
                                                                                                                                                                                                                                                                                                                      3,
                                                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                                                      ? at(
                                                                                                                                                                                                                                                                                                                          3,
                                                                                                                                                                                                                                                                                                                        ) +
                                                                                                                                                                                                                                                                                                                        (is(
                                                                                                                                                                                                                                                                                                                          2,
                                                                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                                                                          ? at(
                                                                                                                                                                                                                                                                                                                              2,
                                                                                                                                                                                                                                                                                                                            ) +
                                                                                                                                                                                                                                                                                                                            (is(
                                                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                                                                                              ? at(
                                                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                                                ) +
                                                                                                                                                                                                                                                                                                                                (is(
                                                                                                                                                                                                                                                                                                                                  0,
                                                                                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                                                                                                  ? at(
                                                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                                    ))
                                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                                ))
                                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                                              1,
                                                                                                                                                                                                                            ))
                                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                                          1,
                                                                                                                                                                                                                        ))
                                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                                      1,
                                                                                                                                                                                                                    ))
                                                                                                                                                                                                              : bump(
                                                                                                                                                                                                                  1,
                                                                                                                                                                                                                ))
                                                                                                                                                                                                          : bump(
                                                                                                                                                                                                              1,
                                                                                                                                                                                                            ))
                                                                                                                                                                                                      : bump(
                                                                                                                                                                                                          1,
                                                                                                                                                                                                        ))
                                                                                                                                                                                                  : bump(
                                                                                                                                                                                                      1,
                                                                                                                                                                                                    ))
                                                                                                                                                                                              : bump(
                                                                                                                                                                                                  1,
                                                                                                                                                                                                ))
                                                                                                                                                                                          : bump(
                                                                                                                                                                                              1,
                                                                                                                                                                                            ))
                                                                                                                                                                                      : bump(
                                                                                                                                                                                          1,
                                                                                                                                                                                        ))
                                                                                                                                                                                  : bump(
                                                                                                                                                                                      1,
                                                                                                                                                                                    ))
                                                                                                                                                                              : bump(
                                                                                                                                                                                  1,
                                                                                                                                                                                ))
                                                                                                                                                                          : bump(
                                                                                                                                                                              1,
                                                                                                                                                                            ))
                                                                                                                                                                      : bump(
                                                                                                                                                                          1,
                                                                                                                                                                        ))
                                                                                                                                                                  : bump(
                                                                                                                                                                      1,
                                                                                                                                                                    ))
                                                                                                                                                              : bump(
                                                                                                                                                                  1,
                                                                                                                                                                ))
                                                                                                                                                          : bump(
                                                                                                                                                              1,
                                                                                                                                                            ))
                                                                                                                                                      : bump(
                                                                                                                                                          1,
                                                                                                                                                        ))
                                                                                                                                                  : bump(
                                                                                                                                                      1,
                                                                                                                                                    ))
                                                                                                                                              : bump(
                                                                                                                                                  1,
                                                                                                                                                ))
                                                                                                                                          : bump(
                                                                                                                                              1,
                                                                                                                                            ))
                                                                                                                                      : bump(
                                                                                                                                          1,
                                                                                                                                        ))
                                                                                                                                  : bump(
                                                                                                                                      1,
                                                                                                                                    ))
                                                                                                                              : bump(
                                                                                                                                  1,
                                                                                                                                ))
                                                                                                                          : bump(
                                                                                                                              1,
                                                                                                                            ))
                                                                                                                      : bump(
                                                                                                                          1,
                                                                                                                        ))
                                                                                                                  : bump(
                                                                                                                      1,
                                                                                                                    ))
                                                                                                              : bump(
                                                                                                                  1,
                                                                                                                ))
                                                                                                          : bump(
                                                                                                              1,
                                                                                                            ))
                                                                                                      : bump(
                                                                                                          1,
                                                                                                        ))
                                                                                                  : bump(
                                                                                                      1,
                                                                                                    ))
                                                                                              : bump(
                                                                                                  1,
                                                                                                ))
                                                                                          : bump(1))
                                                                                      : bump(1))
                                                                                  : bump(1))
                                                                              : bump(1))
                                                                          : bump(1))
                                                                      : bump(1))
                                                                  : bump(1))
                                                              : bump(1))
                                                          : bump(1))
                                                      : bump(1))
                                                  : bump(1))
                                              : bump(1))
                                          : bump(1))
                                      : bump(1))
                                  : bump(1))
                              : bump(1))
                          : bump(1))
                      : bump(1))
                  : bump(1))
              : bump(1))
          : bump(1))
      : bump(1));
  log(`${objs[0]!.arr[2]} ${objs[1]!.arr[2]} ${trace} ${g}`);
}
