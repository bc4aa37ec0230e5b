import "@saleor/macaw-ui/style";
import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { getBridge } from "./bridge/bridge";

// Created before React renders, exactly once (StrictMode mounts effects twice).
getBridge();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
