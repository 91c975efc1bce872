// Recursion: plain, mutual, over a tree built with `new`, and with arrays.
// expect-out: fact 20 2432902008176640000
// expect-out: fib 0..10 0 1 1 2 3 5 8 13 21 34 55
// expect-out: even 10 true odd 7 true even 7 false
// expect-out: tree size 7 height 3 sum 28 in-order 1 2 3 4 5 6 7
// expect-out: ackermann(2, 3) 9, gcd(1071, 462) 21
// expect-out: hanoi 5 discs 31 moves
// expect-out: permutations of 4: 24, binary search 6 -> 3, 7 -> not found

class Tree {
  value: u32;
  left: Tree | null;
  right: Tree | null;

  static leaf(v: u32): Tree {
    const t = new Tree();
    t.value = v;
    return t;
  }

  size(): u32 {
    return (
      1 +
      (this.left === null ? 0 : this.left.size()) +
      (this.right === null ? 0 : this.right.size())
    );
  }

  sum(): u32 {
    let s = this.value;
    if (this.left !== null) s += this.left.sum();
    if (this.right !== null) s += this.right.sum();
    return s;
  }
}

function height(t: Tree | null): u32 {
  if (t === null) return 0;
  const l = height(t.left);
  const r = height(t.right);
  return 1 + (l > r ? l : r);
}

const order = array<u32, 8>();
let filled: usize = 0;

function inorder(t: Tree | null): void {
  if (t === null) return;
  inorder(t.left);
  order[filled] = t.value;
  filled++;
  inorder(t.right);
}

function build(lo: u32, hi: u32): Tree | null {
  if (lo > hi) return null;
  const mid = lo + (hi - lo) / 2;
  const t = Tree.leaf(mid);
  t.left = mid > lo ? build(lo, mid - 1) : null;
  t.right = build(mid + 1, hi);
  return t;
}

function fact(n: u64): u64 {
  return n <= 1 ? 1 : n * fact(n - 1);
}

function fib(n: u32): u32 {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

function isEven(n: u32): bool {
  return n === 0 ? true : isOdd(n - 1);
}

function isOdd(n: u32): bool {
  return n === 0 ? false : isEven(n - 1);
}

function ack(m: u32, n: u32): u32 {
  if (m === 0) return n + 1;
  if (n === 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

function gcd(a: u32, b: u32): u32 {
  return b === 0 ? a : gcd(b, a % b);
}

function hanoi(n: u32, from: u8, to: u8, via: u8): u32 {
  if (n === 0) return 0;
  return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}

function permute(a: Arr<u8, number>, k: usize, n: usize): u32 {
  if (k === n) return 1;
  let count: u32 = 0;
  for (let i = k; i < n; i++) {
    let t = a[k];
    a[k] = a[i];
    a[i] = t;
    count += permute(a, k + 1, n);
    t = a[k];
    a[k] = a[i];
    a[i] = t;
  }
  return count;
}

function search(a: Arr<u32, number>, lo: isize, hi: isize, v: u32): isize {
  if (lo > hi) return -1;
  const mid = lo + (hi - lo) / 2;
  const x = a[usize(mid)];
  if (x === v) return mid;
  return x < v ? search(a, mid + 1, hi, v) : search(a, lo, mid - 1, v);
}

export function main(): void {
  log(`fact 20 ${fact(20)}`);
  log(
    `fib 0..10 ${fib(0)} ${fib(1)} ${fib(2)} ${fib(3)} ${fib(4)} ${fib(5)} ${fib(6)} ${fib(7)} ${fib(8)} ${fib(9)} ${fib(10)}`,
  );
  log(`even 10 ${isEven(10)} odd 7 ${isOdd(7)} even 7 ${isEven(7)}`);
  const t = build(1, 7)!;
  inorder(t);
  log(
    `tree size ${t.size()} height ${height(t)} sum ${t.sum()} in-order ${order[0]} ${order[1]} ${order[2]} ${order[3]} ${order[4]} ${order[5]} ${order[6]}`,
  );
  log(`ackermann(2, 3) ${ack(2, 3)}, gcd(1071, 462) ${gcd(1071, 462)}`);
  log(`hanoi 5 discs ${hanoi(5, 1, 3, 2)} moves`);
  const p = array<u8, 4>();
  const sorted = array<u32, 7>();
  for (let i: usize = 0; i < 7; i++) sorted[i] = u32(i) * 2;
  const miss = search(sorted, 0, 6, 7);
  log(
    `permutations of 4: ${permute(p, 0, 4)}, binary search 6 -> ${search(sorted, 0, 6, 6)}, 7 -> ${miss < 0 ? "not found" : "found"}`,
  );
}
