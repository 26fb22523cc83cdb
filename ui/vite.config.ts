import { defineConfig } from "vitest/config";

// No framework plugin: esbuild compiles JSX, and the build emits only files (no inline script
// or style), which the app's Content-Security-Policy requires.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
