// expect: KTS1004 1:1
// A module with no statements: comments only.
