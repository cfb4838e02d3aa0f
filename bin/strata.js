#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm run build` (run automatically by `npm install` and `npm test`).
require("../dist/strata.js").run();
