// ESLint (flat config): `npm run lint:es`. Type-aware (typescript-eslint's project service reads
// tsconfig.json). Import boundaries and cycles are checked by dependency-cruiser
// (.dependency-cruiser.cjs), formatting by Prettier (.prettierrc.json); see docs/DEVELOPMENT.md.
//
// The rule set is typescript-eslint's recommended-type-checked with the rules that flag deliberate,
// correct code here turned off (each says why), and a few that catch real bugs turned on.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Test code: colocated `*.test.ts(x)`, tests/, e2e/ and the benchmarks (which drive real servers). */
const TEST_FILES = ["**/*.test.ts", "**/*.test.tsx", "tests/**", "e2e/**", "bench/**"];

export default tseslint.config(
  {
    ignores: ["gen/**", ".next/**", "node_modules/**", "data/**", "public/**", "server/db/generated/**", "test-results/**", "playwright-report/**", "bench/results/**", "next-env.d.ts"],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Bugs: a promise nobody awaits or catches. `void promise` marks a deliberate fire-and-forget.
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: true }],
      // An async handler where a void callback is expected (its rejection goes unhandled). JSX event
      // attributes are exempt: React ignores the returned promise by design.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      // `return promise` inside try/catch skips the catch when the promise rejects.
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      eqeqeq: ["error", "smart"],
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrors: "all",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // Type-only imports are erased (isolatedModules): saying so keeps server-only modules out of
      // browser bundles. `import("…")` type annotations stay allowed.
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],

      // Off: flag deliberate, correct code here.
      // Zustand's `useStore.getState()` actions and option objects are destructured on purpose; they
      // are arrow functions typed with method syntax.
      "@typescript-eslint/unbound-method": "off",
      // `async` without `await` implements Promise-returning interfaces (executors, stores).
      "@typescript-eslint/require-await": "off",
      // Redundant `as` casts are harmless; the codebase narrows with `as` rather than `!`.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // ANSI escape stripping (tui/) needs control characters in a regular expression.
      "no-control-regex": "off",
    },
  },
  {
    // Tests poke at parsed JSON and mocks: `any` flowing around is expected there.
    files: TEST_FILES,
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // React code: the Engine (components/, app/) and the terminal dashboard (tui/, ink). lib/ has no
    // React, and its `use…` functions (`useBiasParam`) are not hooks.
    files: ["components/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "tui/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // The React Compiler rules of eslint-plugin-react-hooks 7 (refs, purity, set-state-in-effect, …)
      // are off: the Engine does not use the compiler, and they flag its deliberate ref caches.
    },
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
  },
);
