import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// macaw-ui's stylesheet declares 40 font files (4 MB); the dashboard's look needs only the two
// variable Inter faces, and every byte here ships inside the Python wheel.
function onlyVariableInter(): Plugin {
  return {
    name: "wfx-only-variable-inter",
    enforce: "pre",
    transform(code, id) {
      if (!id.includes("@saleor/macaw-ui") || !id.endsWith(".css")) return null;
      return code.replace(/@font-face\{[^}]*\}/g, (face) =>
        face.includes("font-family:Inter var") ? face : "",
      );
    },
  };
}

export default defineConfig({
  plugins: [onlyVariableInter(), react()],
  // Relative URLs: the same bundle works under /plugins/global/… and the legacy prefix.
  base: "./",
  build: {
    outDir: "../saleor_wfx_plugin/dashboard/static",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.{ts,tsx}"],
  },
});
