// `npm test` runs this first (package.json "pretest"): every host
// tool of every test is checked here, and as root the missing ones are
// installed in one apt-get run, before test files start in parallel. A tool
// that cannot be had stops the run with the exact install line.

import { ensureToolsOrExit, toolSets } from "../build/tools.ts";

ensureToolsOrExit(toolSets.test);
