import { createServer, type AddressInfo } from 'node:net';

/** `127.0.0.1:port` where nothing listens: a port the system just gave out and took back. */
export async function closedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `127.0.0.1:${port}`;
}
