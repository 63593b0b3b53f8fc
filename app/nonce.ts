import { createContext, useContext } from "react";

/**
 * This request's CSP nonce (the Worker's security headers allow inline scripts only with it).
 * Set by entry.server.tsx on the server; in the browser it is never needed again (React keeps
 * the rendered scripts), so it reads as empty.
 */
export const NonceContext = createContext<string>("");

export function useNonce(): string {
  return useContext(NonceContext);
}
