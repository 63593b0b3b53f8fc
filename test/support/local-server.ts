import type { Server } from "node:http";

export interface LocalServer {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

/**
 * Listens on 127.0.0.1 (port 0: any free one); answers the base URL and a close() that does not
 * wait for keep-alive clients.
 */
export async function listenLocally(server: Server, port: number, name: string): Promise<LocalServer> {
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error(`${name} did not start`);
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
