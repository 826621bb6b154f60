// Import boundaries and cycles (`npm run lint:deps`). The layering is in docs/ARCHITECTURE.md and
// docs/DEVELOPMENT.md ("Checks and test entry points"). Paths are relative to the repository root.
//
// Production code follows the layers strictly. A test file (`*.test.ts(x)`) is test code: it may also
// import tests/ (the shared helpers) and, inside lib/, any lib/ folder, but it still may not reach
// into another application (a lib/ test never imports server/ or components/).

/** Everything of ours that code can import (the rest is node_modules or Node's core). */
const OURS = "^(gen|lib|server|components|app|worker|cli|tui|bench|tests|e2e|scripts|bin)/";

/**
 * The order inside lib/, lower first: a folder may import only folders of a lower level, never a peer
 * or a higher one. A new lib/ folder must be given a level here (see `lib-folder-has-a-level`).
 */
const LIB_LEVELS = [["wire", "data", "metrics", "job", "payments"], ["graph"], ["codegen", "train"], ["inference", "editor", "script", "verify"], ["compute"]];
const LIB_FOLDERS = LIB_LEVELS.flat();

const TEST_FILE = "\\.(test|spec)\\.(ts|tsx|mts|mjs)$";

const libLevelRules = LIB_LEVELS.slice(0, -1).map((level, i) => {
  const sameOrHigher = LIB_LEVELS.slice(i).flat();
  return {
    name: `lib-order-${level.join("-")}`,
    comment: `lib/{${level.join(",")}} sits at level ${i} of lib/'s order (${LIB_LEVELS.map((l) => l.join(",")).join(" → ")}): ` + "it may import lower levels only, never a peer or a higher level.",
    severity: "error",
    from: { path: `^lib/(${level.join("|")})/`, pathNot: TEST_FILE },
    to: { path: `^lib/(${sameOrHigher.join("|")})/`, pathNot: "^lib/$1/" },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular-lib",
      comment: "Modules in lib/ must not import each other in a circle (type-only imports count: they couple the modules too).",
      severity: "error",
      from: { path: "^lib/" },
      to: { circular: true },
    },
    {
      name: "no-circular-components",
      comment: "Modules in components/ must not import each other in a circle (components/editor ↔ components/workspace).",
      severity: "error",
      from: { path: "^components/" },
      to: { circular: true },
    },
    {
      name: "no-circular-components-folders",
      comment:
        "Folders of components/ must not import each other in a circle either (today components/editor imports " +
        "components/workspace and components/workspace imports components/editor, though no single module cycle exists).",
      severity: "error",
      scope: "folder",
      from: { path: "^components/" },
      to: { circular: true },
    },
    {
      name: "no-circular",
      comment: "No runtime import cycles elsewhere either (type-only imports do not count here).",
      severity: "error",
      from: { pathNot: "^(lib|components)/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "gen-imports-nothing-of-ours",
      comment: "gen/ is generated from proto/ and imports only node_modules (and itself).",
      severity: "error",
      from: { path: "^gen/" },
      to: { path: OURS, pathNot: "^gen/" },
    },
    {
      name: "lib-imports-only-lib-and-gen",
      comment: "lib/ is shared by the Engine, the server, the worker and the CLI: it imports only lib/ and gen/.",
      severity: "error",
      from: { path: "^lib/", pathNot: TEST_FILE },
      to: { path: OURS, pathNot: "^(lib|gen)/" },
    },
    {
      name: "lib-tests-import-only-lib-gen-and-tests",
      comment: "A test in lib/ may use tests/ (helpers) as well, but no application.",
      severity: "error",
      from: { path: `^lib/.*${TEST_FILE}` },
      to: { path: OURS, pathNot: "^(lib|gen|tests)/" },
    },
    {
      name: "lib-folder-has-a-level",
      comment: `Every lib/ folder has a place in lib/'s order (LIB_LEVELS in .dependency-cruiser.cjs): ${LIB_FOLDERS.join(", ")}.`,
      severity: "error",
      from: {},
      to: { path: "^lib/", pathNot: `^lib/(${LIB_FOLDERS.join("|")})/` },
    },
    ...libLevelRules,
    {
      name: "server-imports-lib-and-gen",
      comment: "server/ may import lib/ and gen/ (its tests also tests/), never the Engine, the worker host, the CLI or the TUI.",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^(components|app|worker|cli|tui|bench|e2e|scripts)/" },
    },
    {
      name: "server-not-tests",
      comment: "Only server/'s tests may import tests/.",
      severity: "error",
      from: { path: "^server/", pathNot: TEST_FILE },
      to: { path: "^tests/" },
    },
    {
      name: "engine-imports-lib-gen-components",
      comment: "components/ and app/ (the Engine, in the browser) may import lib/, gen/ and components/ only.",
      severity: "error",
      from: { path: "^(components|app)/" },
      to: { path: "^(server|worker|cli|tui|bench|tests|e2e|scripts|bin)/" },
    },
    {
      name: "components-not-app",
      comment: "app/ (routes) composes components/, not the other way round.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "hosts-not-server-or-engine",
      comment: "worker/, cli/ and tui/ talk to the server over the wire: they import lib/ and gen/, never server/ or the Engine.",
      severity: "error",
      from: { path: "^(worker|cli|tui)/" },
      to: { path: "^(server|components|app|bench|e2e|scripts)/" },
    },
    {
      name: "hosts-not-tests",
      comment: "Only tests of worker/, cli/ and tui/ may import tests/.",
      severity: "error",
      from: { path: "^(worker|cli|tui)/", pathNot: TEST_FILE },
      to: { path: "^tests/" },
    },
    {
      name: "worker-not-cli-or-tui",
      comment: "worker/ is a host of its own: it imports lib/ and gen/ only.",
      severity: "error",
      from: { path: "^worker/" },
      to: { path: "^(cli|tui)/" },
    },
    {
      name: "cli-not-tui",
      comment: "cli/ may import worker/ (`cyxwiz worker` runs it), not tui/.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: "^tui/" },
    },
    {
      name: "tui-imports-lib-and-gen",
      comment: "tui/ imports lib/ and gen/ only (what it shares with cli/ belongs in lib/).",
      severity: "error",
      from: { path: "^tui/" },
      to: { path: "^(cli|worker)/" },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^server/db/generated/"] },
    exclude: { path: ["^\\.next/", "^data/", "^public/", "^test-results/", "^playwright-report/", "^node_modules/"] },
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count: `import type` from server/ in lib/ is still a layering violation.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
