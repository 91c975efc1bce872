// The global types stock TypeScript needs when `noLib` is set, and nothing more.
// The dialect has no JavaScript standard library: whatever is not declared in
// this folder (Math, console, Map, Promise, Array methods...) is a type error.

interface Array<T> {
  readonly length: number;
  [n: number]: T;
}
interface Boolean {}
interface CallableFunction {}
interface Function {}
interface IArguments {}
interface NewableFunction {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
interface Symbol {}
interface TemplateStringsArray {}
