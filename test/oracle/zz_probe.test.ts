import t from "tap";
import { compile } from "../../compiler/index.ts";
t.ok(typeof compile === "function");
